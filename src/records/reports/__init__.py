"""The figures a centre reports, and where dossiers are held up."""
