"""Stage 1, load: the briefing's files read into one validated model.

In: a content folder (``briefing.yaml``, ``themes/NN-slug.md``, ``numbers.yaml``,
``questions.yaml``, ``sources.yaml``, ``summary.yaml``, ``glossary.yaml``,
``charts.yaml``, back matter) and ``briefing.toml``. Out: a
:class:`generator.model.Content` whose every reference resolves, or a
:class:`generator.diagnostics.BuildError` holding every problem at its
``path:line``. Entry point: :func:`generator.load.content.load_content`;
configuration: :func:`generator.load.config.load_config`.
"""
