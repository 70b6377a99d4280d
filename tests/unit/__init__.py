"""Small pure rules: batch codes, GS1 fields, the rules profile and validity dates."""
