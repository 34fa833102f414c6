from ninja import Router

router = Router(tags=["documents and signatures"])
