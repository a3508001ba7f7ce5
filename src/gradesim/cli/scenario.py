"""``gradesim schema`` and ``gradesim presets``: what a scenario file may say."""
