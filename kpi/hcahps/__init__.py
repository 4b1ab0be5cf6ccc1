"""National HCAHPS benchmarks from the CMS public file: measures, star rules, the compact table."""
