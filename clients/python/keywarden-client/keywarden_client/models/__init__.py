"""Contains all the data models used in inputs/outputs"""

from .audit_action import AuditAction
from .audit_entry_view import AuditEntryView
from .audit_entry_view_details import AuditEntryViewDetails
from .audit_outcome import AuditOutcome
from .audit_page import AuditPage
from .bucket import Bucket
from .bulk_revoke_request import BulkRevokeRequest
from .bulk_revoke_response import BulkRevokeResponse
from .chain_status import ChainStatus
from .check_request import CheckRequest
from .check_status import CheckStatus
from .checked_key import CheckedKey
from .checkpoint_view import CheckpointView
from .create_key_request import CreateKeyRequest
from .create_key_request_metadata_type_0 import CreateKeyRequestMetadataType0
from .create_portal_session_request import CreatePortalSessionRequest
from .create_space_request import CreateSpaceRequest
from .created_key import CreatedKey
from .credits_request import CreditsRequest
from .credits_view import CreditsView
from .delivery_state import DeliveryState
from .delivery_view import DeliveryView
from .error_body import ErrorBody
from .error_code import ErrorCode
from .error_detail import ErrorDetail
from .event_kind import EventKind
from .event_view import EventView
from .event_view_details import EventViewDetails
from .foreign_hash import ForeignHash
from .github_report import GithubReport
from .github_token_feedback import GithubTokenFeedback
from .github_token_label import GithubTokenLabel
from .health import Health
from .import_key_row import ImportKeyRow
from .import_key_row_metadata_type_0 import ImportKeyRowMetadataType0
from .import_request import ImportRequest
from .import_response import ImportResponse
from .import_row_error import ImportRowError
from .key_kind import KeyKind
from .key_list import KeyList
from .key_status import KeyStatus
from .key_view import KeyView
from .key_view_metadata import KeyViewMetadata
from .leak_accepted import LeakAccepted
from .leak_report import LeakReport
from .named_rate_limit_input import NamedRateLimitInput
from .named_rate_limit_view import NamedRateLimitView
from .outcome_code import OutcomeCode
from .owner_limits_request import OwnerLimitsRequest
from .owner_limits_view import OwnerLimitsView
from .owner_view import OwnerView
from .patch_key_request import PatchKeyRequest
from .patch_key_request_metadata_type_0 import PatchKeyRequestMetadataType0
from .patch_space_request import PatchSpaceRequest
from .portal_create_key import PortalCreateKey
from .portal_created_key import PortalCreatedKey
from .portal_grant import PortalGrant
from .portal_key import PortalKey
from .portal_key_list import PortalKeyList
from .portal_policy_body import PortalPolicyBody
from .portal_roll_key import PortalRollKey
from .portal_session import PortalSession
from .put_role_request import PutRoleRequest
from .put_secret_request import PutSecretRequest
from .rate_limit_input import RateLimitInput
from .rate_limit_state import RateLimitState
from .rate_limit_view import RateLimitView
from .refill_request import RefillRequest
from .refill_view import RefillView
from .revealed_key import RevealedKey
from .revoke_request import RevokeRequest
from .role_list import RoleList
from .role_view import RoleView
from .roll_request import RollRequest
from .rollback_secret_request import RollbackSecretRequest
from .rolled_key import RolledKey
from .secret_history import SecretHistory
from .secret_list import SecretList
from .secret_version_view import SecretVersionView
from .secret_view import SecretView
from .share_request import ShareRequest
from .space_credits_body import SpaceCreditsBody
from .space_defaults_body import SpaceDefaultsBody
from .space_list import SpaceList
from .space_view import SpaceView
from .trufflehog_matches import TrufflehogMatches
from .trufflehog_matches_additional_property import TrufflehogMatchesAdditionalProperty
from .trufflehog_verified import TrufflehogVerified
from .usage_bucket_view import UsageBucketView
from .usage_bucket_view_by_code import UsageBucketViewByCode
from .usage_response import UsageResponse
from .vault_digest import VaultDigest
from .vault_scan_digests import VaultScanDigests
from .vault_scan_request import VaultScanRequest
from .verify_request import VerifyRequest
from .verify_response import VerifyResponse
from .verify_response_metadata_type_0 import VerifyResponseMetadataType0

__all__ = (
    "AuditAction",
    "AuditEntryView",
    "AuditEntryViewDetails",
    "AuditOutcome",
    "AuditPage",
    "Bucket",
    "BulkRevokeRequest",
    "BulkRevokeResponse",
    "ChainStatus",
    "CheckedKey",
    "CheckpointView",
    "CheckRequest",
    "CheckStatus",
    "CreatedKey",
    "CreateKeyRequest",
    "CreateKeyRequestMetadataType0",
    "CreatePortalSessionRequest",
    "CreateSpaceRequest",
    "CreditsRequest",
    "CreditsView",
    "DeliveryState",
    "DeliveryView",
    "ErrorBody",
    "ErrorCode",
    "ErrorDetail",
    "EventKind",
    "EventView",
    "EventViewDetails",
    "ForeignHash",
    "GithubReport",
    "GithubTokenFeedback",
    "GithubTokenLabel",
    "Health",
    "ImportKeyRow",
    "ImportKeyRowMetadataType0",
    "ImportRequest",
    "ImportResponse",
    "ImportRowError",
    "KeyKind",
    "KeyList",
    "KeyStatus",
    "KeyView",
    "KeyViewMetadata",
    "LeakAccepted",
    "LeakReport",
    "NamedRateLimitInput",
    "NamedRateLimitView",
    "OutcomeCode",
    "OwnerLimitsRequest",
    "OwnerLimitsView",
    "OwnerView",
    "PatchKeyRequest",
    "PatchKeyRequestMetadataType0",
    "PatchSpaceRequest",
    "PortalCreatedKey",
    "PortalCreateKey",
    "PortalGrant",
    "PortalKey",
    "PortalKeyList",
    "PortalPolicyBody",
    "PortalRollKey",
    "PortalSession",
    "PutRoleRequest",
    "PutSecretRequest",
    "RateLimitInput",
    "RateLimitState",
    "RateLimitView",
    "RefillRequest",
    "RefillView",
    "RevealedKey",
    "RevokeRequest",
    "RoleList",
    "RoleView",
    "RollbackSecretRequest",
    "RolledKey",
    "RollRequest",
    "SecretHistory",
    "SecretList",
    "SecretVersionView",
    "SecretView",
    "ShareRequest",
    "SpaceCreditsBody",
    "SpaceDefaultsBody",
    "SpaceList",
    "SpaceView",
    "TrufflehogMatches",
    "TrufflehogMatchesAdditionalProperty",
    "TrufflehogVerified",
    "UsageBucketView",
    "UsageBucketViewByCode",
    "UsageResponse",
    "VaultDigest",
    "VaultScanDigests",
    "VaultScanRequest",
    "VerifyRequest",
    "VerifyResponse",
    "VerifyResponseMetadataType0",
)
