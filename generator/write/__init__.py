"""Stage 5, write: outputs on disk, and the site published from them.

In: the files a build made (name -> bytes). Out: an output folder changed in
one atomic commit with its build manifest (output, incremental), which
tells the next build what is stale; and ``briefing site``'s static site of
every edition (site).
"""
