"""The dashboard's views: the page and its regions, the CSV export, unmatched ids."""
