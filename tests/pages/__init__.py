"""The web pages in a real Chromium: a storekeeper's, a kitchen lead's, a principal's and an investigator's day."""
