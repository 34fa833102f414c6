from ninja import Router

router = Router(tags=["audit trail"])
