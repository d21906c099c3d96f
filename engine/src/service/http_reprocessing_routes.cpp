// The reprocessing endpoints: replays, rebuilds, switches, rollback, audit.
#include "service/http_routes.h"
#include "service/http_support.h"
#include "service/peer_requests.h"

namespace kappa::service {
namespace {

using Json = nlohmann::json;

Json optionalNumber(const std::optional<double> &value)
{
    return value ? Json(*value) : Json();
}

Json replayJson(const reprocessing::ReplayStatus &status)
{
    const ReplayRecord &r = status.record;
    Json partitions = Json::array();
    for (const reprocessing::PartitionProgress &p : status.partitions)
        partitions.push_back(
            {{"partition", p.partition}, {"start", p.start}, {"position", p.position}, {"end", p.end}});
    return {{"id", r.id},
            {"job", r.job},
            {"version", r.version},
            {"kind", r.kind},
            {"from", r.from},
            {"state", r.state},
            {"version_state", status.versionState},
            {"paused", r.paused},
            {"serve_from", r.serveFrom},
            {"reason", r.reason},
            {"created_by", r.createdBy},
            {"created_ms", r.createdAt.value()},
            {"rate_multiple", r.rateMultiple},
            {"max_rate", r.maxRate},
            {"min_rate", r.minRate},
            {"running", status.running},
            {"ingest_rate", status.ingestRate},
            {"target_rate", status.targetRate},
            {"current_rate", status.currentRate},
            {"measured_rate", status.measuredRate},
            {"slowdown_reason", status.reason},
            {"percent", status.percent},
            {"eta_seconds", optionalNumber(status.etaSeconds)},
            {"lag_records", status.lagRecords},
            {"partitions", std::move(partitions)}};
}

Json preflightJson(const reprocessing::Preflight &p)
{
    Json checks = Json::array();
    for (const reprocessing::PreflightCheck &check : p.checks)
        checks.push_back({{"name", check.name}, {"ok", check.ok}, {"detail", check.detail}});
    return {{"ok", p.ok},
            {"job", p.job},
            {"version", p.version},
            {"events", p.events},
            {"ingest_rate", p.ingestRate},
            {"rate", p.rate},
            {"expected_seconds", optionalNumber(p.expectedSeconds)},
            {"estimated_state_bytes", p.estimatedStateBytes},
            {"estimated_view_bytes", p.estimatedViewBytes},
            {"checks", std::move(checks)}};
}

Json switchJson(const SwitchRequest &r)
{
    return {{"id", r.id},
            {"job", r.job},
            {"from_version", r.fromVersion},
            {"to_version", r.toVersion},
            {"validation_id", r.validationId},
            {"override_reason", r.overrideReason},
            {"requested_by", r.requestedBy},
            {"requested_ms", r.requestedAt.value()},
            {"expires_ms", r.expiresAt.value()},
            {"state", r.state},
            {"decided_by", r.decidedBy},
            {"decided_ms", r.decidedAt.value()},
            {"reason", r.reason}};
}

Json validationJson(const ValidationRecord &v, bool withReport)
{
    Json out = {{"id", v.id},
                {"job", v.job},
                {"candidate", v.candidate},
                {"baseline", v.baseline},
                {"passed", v.passed},
                {"created_ms", v.createdAt.value()},
                {"created_by", v.createdBy}};
    if (withReport)
        out["report"] = Json::parse(v.reportJson, nullptr, false);
    return out;
}

Json auditJson(const AuditEntry &e)
{
    return {{"seq", e.seq},         {"at_ms", e.at.value()}, {"actor", e.actor},        {"action", e.action},
            {"subject", e.subject}, {"detail", e.detail},    {"prev_hash", e.prevHash}, {"hash", e.hash}};
}

Json bodyObject(const httplib::Request &request)
{
    if (request.body.empty())
        return Json::object();
    Json body = Json::parse(request.body);
    if (!body.is_object())
        throw ApiFailure{ApiError::invalidArgument("the request body must be a JSON object")};
    return body;
}

std::optional<double> numberField(const Json &body, const char *name)
{
    if (!body.contains(name) || body[name].is_null())
        return std::nullopt;
    if (!body[name].is_number())
        throw ApiFailure{ApiError::invalidArgument(std::string(name) + " must be a number")};
    return body[name].get<double>();
}

std::string stringField(const Json &body, const char *name)
{
    if (!body.contains(name) || body[name].is_null())
        return {};
    if (!body[name].is_string())
        throw ApiFailure{ApiError::invalidArgument(std::string(name) + " must be a string")};
    return body[name].get<std::string>();
}

reprocessing::LaunchRequest launchRequest(const Json &body)
{
    reprocessing::LaunchRequest request;
    if (body.contains("spec")) {
        if (!body["spec"].is_object())
            throw ApiFailure{ApiError::invalidArgument("spec must be a job spec object")};
        request.specJson = body["spec"].dump();
    }
    request.jobVersion = stringField(body, "job_version");
    if (request.specJson.empty() == request.jobVersion.empty())
        throw ApiFailure{
            ApiError::invalidArgument("give either spec (a job spec) or job_version (job@version)")};
    if (std::string from = stringField(body, "from"); !from.empty())
        request.from = from;
    request.rateMultiple = numberField(body, "rate_multiple");
    request.maxRate = numberField(body, "max_rate");
    request.minRate = numberField(body, "min_rate");
    return request;
}

reprocessing::Actor actorOf(const TokenIdentity &who)
{
    return {who.name, who.role == Role::Admin};
}

void check(const Status &status)
{
    if (!status.isOk())
        failWith(status);
}

} // namespace

// In a cluster, every other instance's comparison of its own partitions
// (each instance that owns partitions is asked once, on the caller's behalf).
std::vector<reprocessing::ValidationShare> HttpRoutes::otherShares(const httplib::Request &req,
                                                                   const std::string &job,
                                                                   const std::string &candidate)
{
    std::vector<reprocessing::ValidationShare> shares;
    const std::optional<std::string> baseline = valueOr(m_service.catalog().alias(job));
    if (!baseline)
        return shares; // run() refuses it
    const Json ask = {{"job", job}, {"candidate", candidate}, {"baseline", *baseline}};
    for (const ClusterPeer &peer : valueOr(m_service.metricsPeers())) {
        const httplib::Result answer = postToPeer(req, peer, m_service.instanceId(),
                                                  "/api/v1/cluster/validation-share", ask.dump());
        const Json body = Json::parse(answer->body, nullptr, false);
        if (answer->status != 200 || !body.is_object())
            failWith(Status::unavailable("instance " + peer.instanceId
                                         + " could not compare its partitions: " + answer->body));
        reprocessing::ValidationShare share;
        share.instance = body.value("instance", peer.instanceId);
        share.partitions = body.value("partitions", std::vector<std::int32_t>{});
        share.passed = body.value("passed", false);
        share.reasons = body.value("reasons", std::vector<std::string>{});
        share.report = body.value("report", Json::object());
        shares.push_back(std::move(share));
    }
    return shares;
}

void HttpRoutes::addReprocessingRoutes()
{
    // In a cluster one instance, the leader, decides every replay,
    // validation and switch (cluster_control.h): a request to another
    // instance goes to the leader, whose answer comes back as it came; the
    // leader shares what it decided before it answers.
    const auto atLeader = [this](const httplib::Request &req, httplib::Response &res) {
        const std::optional<ClusterPeer> leader = valueOr(m_service.leader());
        if (!leader)
            return false;
        if (req.has_header(kForwardedHeader))
            failWith(Status::unavailable("the cluster's leadership is moving (" + m_service.instanceId()
                                         + " was asked by " + req.get_header_value(kForwardedHeader)
                                         + "); try again"));
        relayAnswer(askPeer(req, *leader, m_service.instanceId()), res);
        return true;
    };
    const auto shared = [this] { check(m_service.publishCatalog()); };
    // For a change of the catalog: nullopt once the request went to the
    // leader (answered); else the lease that keeps the lead here until the
    // change is shared.
    const auto decideHere =
        [this, atLeader](const httplib::Request &req,
                         httplib::Response &res) -> std::optional<std::shared_lock<std::shared_mutex>> {
        if (atLeader(req, res))
            return std::nullopt;
        std::shared_lock lease = m_service.leadLease();
        if (valueOr(m_service.leader()))
            failWith(Status::unavailable("the lead moved to another instance meanwhile; try again"));
        return lease;
    };
    add("POST", "/api/v1/replays", Role::Operator,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const Json body = bodyObject(req);
            const reprocessing::LaunchRequest request = launchRequest(body);
            reprocessing::ReplayManager &replays = m_service.replays();
            if (body.value("dry_run", false))
                return sendJson(res, {{"preflight", preflightJson(valueOr(replays.preflight(request)))}});
            const std::int64_t id = valueOr(replays.launch(request, who.name));
            shared();
            sendJson(res, replayJson(valueOr(replays.status(id))), 201);
        });
    add("GET", "/api/v1/replays", Role::Viewer,
        [this, atLeader](const httplib::Request &req, httplib::Response &res, const auto &) {
            if (atLeader(req, res)) // its statuses count every instance's share
                return;
            Json out = Json::array();
            for (const reprocessing::ReplayStatus &status : m_service.replays().statuses())
                out.push_back(replayJson(status));
            sendJson(res, {{"replays", std::move(out)}});
        });
    add("GET", R"(/api/v1/replays/([0-9]+))", Role::Viewer,
        [this, atLeader](const httplib::Request &req, httplib::Response &res, const auto &) {
            if (atLeader(req, res))
                return;
            sendJson(res, replayJson(valueOr(m_service.replays().status(parseInteger("id", req.matches[1])))));
        });
    add("POST", R"(/api/v1/replays/([0-9]+)/(pause|resume|cancel))", Role::Operator,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const std::int64_t id = parseInteger("id", req.matches[1]);
            const std::string action = req.matches[2];
            reprocessing::ReplayManager &replays = m_service.replays();
            if (action == "pause")
                check(replays.pause(id, who.name));
            else if (action == "resume")
                check(replays.resume(id, who.name));
            else
                check(replays.cancel(id, who.name, stringField(bodyObject(req), "reason")));
            shared();
            sendJson(res, replayJson(valueOr(replays.status(id))));
        });
    add("PUT", R"(/api/v1/replays/([0-9]+)/rate)", Role::Operator,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const std::int64_t id = parseInteger("id", req.matches[1]);
            const Json body = bodyObject(req);
            check(m_service.replays().setRate(id, numberField(body, "rate_multiple"),
                                              numberField(body, "max_rate"), numberField(body, "min_rate"),
                                              who.name));
            shared();
            sendJson(res, replayJson(valueOr(m_service.replays().status(id))));
        });
    add("POST", R"(/api/v1/jobs/([a-z_]+)/versions/([A-Za-z0-9._-]+)/rebuild)", Role::Operator,
        [this](const httplib::Request &req, httplib::Response &res, const TokenIdentity &who) {
            // A rebuild deletes a version's views and state; across a cluster
            // every instance would have to do so in step, which it does not yet.
            if (!m_service.instanceId().empty())
                failWith(Status::failedPrecondition(
                    "rebuilding a version's views does not work across a cluster yet ([cluster] group "
                    "is set): replay the logic under a new version instead (README: Scaling out)"));
            const Json body = bodyObject(req);
            reprocessing::LaunchRequest request;
            request.rateMultiple = numberField(body, "rate_multiple");
            request.maxRate = numberField(body, "max_rate");
            request.minRate = numberField(body, "min_rate");
            const std::int64_t id = valueOr(
                m_service.replays().rebuild(req.matches[1], req.matches[2], request,
                                            stringField(body, "serve_from"), who.name));
            sendJson(res, replayJson(valueOr(m_service.replays().status(id))), 201);
        });
    add("POST", R"(/api/v1/jobs/([a-z_]+)/versions/([A-Za-z0-9._-]+)/validate)", Role::Operator,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const std::string job = req.matches[1];
            const std::string candidate = req.matches[2];
            const std::vector<reprocessing::ValidationShare> others = otherShares(req, job, candidate);
            const ValidationRecord record = valueOr(
                m_service.validator().run(job, candidate, who.name, others, m_service.instanceId()));
            shared();
            sendJson(res, validationJson(record, true), 201);
        });
    // A cluster's validation: this instance's comparison of its own
    // partitions, for the leader (which asks every instance, on its caller's behalf).
    add("POST", "/api/v1/cluster/validation-share", Role::Operator,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            const Json body = bodyObject(req);
            const reprocessing::ValidationShare share = valueOr(
                m_service.validator().compare(stringField(body, "job"), stringField(body, "candidate"),
                                              stringField(body, "baseline"), m_service.instanceId()));
            sendJson(res, {{"instance", share.instance},
                           {"partitions", share.partitions},
                           {"passed", share.passed},
                           {"reasons", share.reasons},
                           {"report", share.report}});
        });
    add("GET", "/api/v1/validations", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            Json out = Json::array();
            const std::string job = req.has_param("job") ? req.get_param_value("job") : std::string();
            for (const ValidationRecord &record : valueOr(m_service.catalog().validations(job, false)))
                out.push_back(validationJson(record, false));
            sendJson(res, {{"validations", std::move(out)}});
        });
    add("GET", R"(/api/v1/validations/([0-9]+))", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            sendJson(res, validationJson(valueOr(m_service.catalog().validation(
                                             parseInteger("id", req.matches[1]))),
                                         true));
        });
    add("POST", "/api/v1/switches", Role::Operator,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const Json body = bodyObject(req);
            const std::string job = stringField(body, "job");
            const std::string version = stringField(body, "version");
            if (job.empty() || version.empty())
                throw ApiFailure{ApiError::invalidArgument("expected {\"job\": ..., \"version\": ...}")};
            const SwitchRequest request = valueOr(
                m_service.switches().request(job, version, actorOf(who),
                                             stringField(body, "override_reason")));
            shared();
            sendJson(res, switchJson(request), 201);
        });
    add("GET", "/api/v1/switches", Role::Viewer, [this](const auto &, httplib::Response &res, const auto &) {
        Json out = Json::array();
        for (const SwitchRequest &request : valueOr(m_service.catalog().switchRequests({})))
            out.push_back(switchJson(request));
        sendJson(res, {{"switches", std::move(out)}});
    });
    add("POST", R"(/api/v1/switches/([0-9]+)/(approve|reject))", Role::Approver,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const std::int64_t id = parseInteger("id", req.matches[1]);
            if (std::string(req.matches[2]) == "approve") {
                const SwitchRequest approved = valueOr(m_service.switches().approve(id, actorOf(who)));
                shared();
                return sendJson(res, switchJson(approved));
            }
            check(m_service.switches().reject(id, actorOf(who), stringField(bodyObject(req), "reason")));
            shared();
            sendJson(res, switchJson(valueOr(m_service.catalog().switchRequest(id))));
        });
    add("POST", R"(/api/v1/jobs/([a-z_]+)/rollback)", Role::Approver,
        [this, decideHere, shared](const httplib::Request &req, httplib::Response &res,
                                   const TokenIdentity &who) {
            const auto lease = decideHere(req, res);
            if (!lease)
                return;
            const std::string job = req.matches[1];
            check(m_service.switches().rollback(job, actorOf(who), stringField(bodyObject(req), "reason")));
            shared();
            sendJson(res,
                     {{"job", job}, {"live_version", valueOr(m_service.catalog().alias(job)).value_or("")}});
        });
    add("GET", "/api/v1/audit", Role::Viewer,
        [this](const httplib::Request &req, httplib::Response &res, const auto &) {
            const std::int64_t after = req.has_param("after_seq")
                                           ? parseInteger("after_seq", req.get_param_value("after_seq"))
                                           : 0;
            const std::int64_t limit = req.has_param("limit")
                                           ? parseInteger("limit", req.get_param_value("limit"))
                                           : 1000;
            if (limit < 1 || limit > 10000)
                throw ApiFailure{ApiError::invalidArgument("limit must be in [1, 10000]")};
            Json out = Json::array();
            for (const AuditEntry &entry :
                 valueOr(m_service.catalog().audit(after, static_cast<std::size_t>(limit))))
                out.push_back(auditJson(entry));
            sendJson(res, {{"entries", std::move(out)}});
        });
    add("GET", "/api/v1/audit/verify", Role::Viewer,
        [this](const auto &, httplib::Response &res, const auto &) {
            const AuditVerification verified = valueOr(m_service.catalog().verifyAudit());
            sendJson(res, {{"ok", !verified.firstBadSeq},
                           {"entries", verified.entries},
                           {"first_bad_seq", verified.firstBadSeq ? Json(*verified.firstBadSeq) : Json()},
                           {"problem", verified.problem}});
        });
}

} // namespace kappa::service
