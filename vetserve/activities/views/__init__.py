"""Pages: campaigns, activities (list, calendar, detail, edit, status), shifts (one, recurring,
roster), sign-up and withdraw, and a volunteer's own shifts. Thin: selectors read, services
write, every object through an ``access_*`` helper (404 alike for "not yours" and "none").

One module per thing managed: ``activities`` (with outcome figures), ``shifts`` (with sign-ups
and my shifts), ``campaigns``; ``activities/urls.py`` names their views."""
