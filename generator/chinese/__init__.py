"""Everything specific to Chinese: script conversion, locale numbers,
typography and the script-leak lint."""
