from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "vetserve.orgs"
    label = "orgs"
    verbose_name = "Organizations"

    def ready(self) -> None:
        # A region's page lists the organizations in it; regions stand below orgs.
        from vetserve.orgs.selectors import region_page_organizations
        from vetserve.regions.views import DETAIL_SECTIONS

        if region_page_organizations not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(region_page_organizations)
