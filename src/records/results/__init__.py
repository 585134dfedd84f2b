"""Results (kết quả): attaching, publishing and revoking e-results, and reuse of earlier ones."""
