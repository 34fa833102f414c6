from .acceptance import AcceptanceRecord
from .module import Block, Item, Lesson, Module, ModuleVersion, ReviewComment, SourceLink, new_key

__all__ = [
    "AcceptanceRecord",
    "Block",
    "Item",
    "Lesson",
    "Module",
    "ModuleVersion",
    "ReviewComment",
    "SourceLink",
    "new_key",
]
