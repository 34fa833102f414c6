from django.urls import path

from . import views, views_editor, views_review

app_name = "catalog"
E_ = views_editor
R = views_review
urlpatterns = [
    path("missions/<int:engagement_id>/modules/", views.module_list, name="modules"),
    path(
        "missions/<int:engagement_id>/pv/",
        views.acceptance_record_generate,
        name="acceptance_record",
    ),
    path("modules/versions/<int:version_id>/", E_.version_detail, name="version"),
    path("modules/versions/<int:version_id>/reglages/", E_.settings_save, name="settings"),
    path("modules/versions/<int:version_id>/lecons/", E_.lesson_save, name="lesson_add"),
    path(
        "modules/versions/<int:version_id>/lecons/<int:lesson_id>/",
        E_.lesson_save,
        name="lesson_edit",
    ),
    path(
        "modules/versions/<int:version_id>/lecons/<int:lesson_id>/supprimer/",
        E_.lesson_delete,
        name="lesson_delete",
    ),
    path(
        "modules/versions/<int:version_id>/lecons/<int:lesson_id>/deplacer/",
        E_.lesson_move,
        name="lesson_move",
    ),
    path(
        "modules/versions/<int:version_id>/lecons/<int:lesson_id>/contenus/",
        E_.block_save,
        name="block_add",
    ),
    path(
        "modules/versions/<int:version_id>/contenus/<int:block_id>/",
        E_.block_edit,
        name="block_edit",
    ),
    path(
        "modules/versions/<int:version_id>/contenus/<int:block_id>/deplacer/",
        E_.block_move,
        name="block_move",
    ),
    path(
        "modules/versions/<int:version_id>/contenus/<int:block_id>/supprimer/",
        E_.block_delete,
        name="block_delete",
    ),
    path("modules/versions/<int:version_id>/questions/", E_.item_save, name="item_add"),
    path(
        "modules/versions/<int:version_id>/questions/<int:item_id>/",
        E_.item_save,
        name="item_edit",
    ),
    path(
        "modules/versions/<int:version_id>/questions/<int:item_id>/supprimer/",
        E_.item_delete,
        name="item_delete",
    ),
    path("modules/versions/<int:version_id>/accepter/", E_.proposals_accept, name="accept"),
    path("modules/versions/<int:version_id>/soumettre/", E_.version_submit, name="submit"),
    path(
        "modules/versions/<int:version_id>/suppressions/<int:deleted_id>/annuler/",
        E_.deletion_undo,
        name="deletion_undo",
    ),
    path("modules/versions/<int:version_id>/nouvelle/", E_.version_new, name="new_version"),
    path("modules/versions/<int:version_id>/apercu/", R.version_preview, name="preview"),
    path("modules/versions/<int:version_id>/commentaires/", R.comment_add, name="comment"),
    path("modules/versions/<int:version_id>/approuver/", R.version_approve, name="approve"),
    path(
        "modules/versions/<int:version_id>/modifications/",
        R.version_request_changes,
        name="request_changes",
    ),
    path(
        "modules/versions/<int:version_id>/comparer/<int:other_id>/",
        R.version_diff,
        name="diff",
    ),
    path("modules/versions/<int:version_id>/scorm/", R.version_scorm, name="scorm"),
    path(
        "modules/versions/<int:version_id>/fichiers/<str:sha256>/",
        R.block_file,
        name="block_file",
    ),
]
