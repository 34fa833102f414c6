from .acceptance import AcceptanceRecord
from .module import Block, Item, Lesson, Module, ModuleVersion, ReviewComment, SourceLink, new_key
from .trash import UNDO_WINDOW, DeletedContent

__all__ = [
    "UNDO_WINDOW",
    "AcceptanceRecord",
    "Block",
    "DeletedContent",
    "Item",
    "Lesson",
    "Module",
    "ModuleVersion",
    "ReviewComment",
    "SourceLink",
    "new_key",
]
