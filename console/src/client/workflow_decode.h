// Decoding of kappad's answers of the reprocessing workflow (workflow_types.h)
// and the bodies of its requests. Pure functions, like api_decode.h: a
// malformed answer gives an ApiError with code "BadAnswer" naming the field.
#pragma once

#include "client/api_decode.h"
#include "client/workflow_types.h"

#include <QByteArray>

namespace kappa::console {

// What the workflow calls are called in KappadClient::failed and
// KappadClient::actionFailed, so that a wizard knows which failure is its own.
namespace workflow_call {
inline constexpr char kIdentity[] = "identity";
inline constexpr char kSpec[] = "spec";            // a registered version's spec
inline constexpr char kPreflight[] = "pre-flight"; // a launch with dryRun
inline constexpr char kLaunchReplay[] = "launch replay";
inline constexpr char kReplayRate[] = "replay rate";
inline constexpr char kRebuild[] = "rebuild";
inline constexpr char kValidate[] = "validate";
inline constexpr char kValidations[] = "validations";
inline constexpr char kValidation[] = "validation";
inline constexpr char kSwitches[] = "switches";
inline constexpr char kRequestSwitch[] = "request switch";
inline constexpr char kApproveSwitch[] = "approve switch";
inline constexpr char kRejectSwitch[] = "reject switch";
inline constexpr char kRollback[] = "rollback";
inline constexpr char kAudit[] = "audit";
inline constexpr char kVerifyAudit[] = "verify audit";
} // namespace workflow_call

Decoded<Identity> decodeIdentity(const QByteArray &body);                   // WhoAmI
Decoded<JobVersionSpec> decodeVersionSpec(const QByteArray &body);          // {"job", ..., "spec": {...}}
Decoded<Preflight> decodePreflight(const QByteArray &body);                 // {"preflight": {...}}
Decoded<ValidationInfo> decodeValidation(const QByteArray &body);           // with its report
Decoded<QList<ValidationInfo>> decodeValidations(const QByteArray &body);   // {"validations": [...]}
Decoded<SwitchRequestInfo> decodeSwitch(const QByteArray &body);            // one request
Decoded<QList<SwitchRequestInfo>> decodeSwitches(const QByteArray &body);   // {"switches": [...]}
Decoded<RollbackResult> decodeRollback(const QByteArray &body);             // {"job", "live_version"}
Decoded<QList<AuditEntry>> decodeAudit(const QByteArray &body);             // {"entries": [...]}
Decoded<AuditVerification> decodeAuditVerification(const QByteArray &body); // {"ok", ...}

// Request bodies. A launch whose specJson is not a JSON object cannot be
// sent: the answer is an InvalidArgument error instead of a body.
Decoded<QByteArray> encodeLaunchReplay(const LaunchReplayRequest &request);
QByteArray encodeRate(const RateSettings &rate);
QByteArray encodeRebuild(const RebuildRequest &request);

} // namespace kappa::console
