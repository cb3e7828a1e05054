"""The Chinese-script library every stage uses: conversion between zh-Hans,
zh-Hant (Taiwan) and zh-Hant-HK, locale numbers, typography, line breaks.

In: text and a variant. Out: the text in that variant (convert, with
segment, spans and backend for OpenCC), a figure in the variant's
convention (numbers: 1.4万亿 / 1.4兆 / 1.4萬億), punctuation and spacing
(typography), kept-together line ends (linebreaks), which characters belong
to which script (scripts), what a conversion changed (differences). It knows
nothing of briefings: no stage below imports it, every stage above may.
"""
