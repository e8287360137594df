"""Skills endpoints: the catalogue, what volunteers hold, training, expiry and eligibility.
The same services, selectors and scoping as the pages.

One module per thing managed, each with its schemas beside its endpoints and its own router:
``catalogue``, ``holdings`` (qualifications and skills of a volunteer), ``training`` (courses,
sessions, enrolments, results), ``checks`` (expiring qualifications, the eligibility check);
``common`` holds what they share. ``vetserve/api/api.py`` mounts the four routers at ``/skills``
in that order (the order of the OpenAPI document), side by side as for activities. Each path
lives in one module with all its methods: two routers with the same path would shadow each
other's methods."""
