"""What is published and how each generated page reads: visibility, headers, registers, the roles matrix,
navigation and guides, rendered once for the site, the export and the PDF.
"""
