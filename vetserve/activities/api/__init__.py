"""Activities endpoints: campaigns, activities, shifts (one or a recurring series), outcome
figures, sign-up and withdraw, my shifts. The same services, selectors and scoping as the pages.

Writes find their objects with the VIEW scope (404 for what the user may not see, exactly as
for what does not exist) and leave the right to change to the service (403).

One module per thing managed, each with its schemas beside its endpoints and its own router:
``campaigns``, ``activities`` (with outcome figures and my sign-ups), ``shifts`` (with
sign-ups); ``common`` holds the field types and payload checks they share. ``vetserve/api/api.py``
mounts the three routers at ``/activities`` in that order (the order of the OpenAPI document).
They are mounted side by side rather than under one parent router because ninja would add a
slash to ``/activities`` under a parent. Each path lives in one module with all its methods: two
routers with the same path would shadow each other's methods."""
