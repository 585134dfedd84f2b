"""The PDFs the portal prints: shared pieces (font, QR codes) and the receipt."""
