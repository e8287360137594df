"""Pages: the catalogue, a volunteer's qualifications and skills, courses and sessions, what
expires soon, and the eligibility check. Thin: access helper, service, redirect.

One module per thing managed: ``catalogue``, ``holdings`` (one volunteer's qualifications and
skills), ``training`` (courses, sessions, enrolments, results), ``checks`` (expiring, the
eligibility check); ``skills/urls.py`` names their views."""
