"""EPCIS 2.0: exports validated against GS1's schema, the query, supplier capture, the feed upward."""
