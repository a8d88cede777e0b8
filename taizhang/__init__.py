"""The bottom layer: settings and the shipped files; depends on nothing else of ours."""
