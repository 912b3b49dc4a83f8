"""What every HTTP request passes through: headers, limits, deadlines, error pages, rate limits."""
