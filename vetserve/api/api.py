from ninja import NinjaAPI

api = NinjaAPI(title="VetServe API", version="1", urls_namespace="api")
