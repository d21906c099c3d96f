// kappactl schema list | show | register | check | compat: the schema registry
// kept in the catalog under --data-dir.
#include "commands.h"

#include "kappa/catalog.h"
#include "kappa/file_system.h"
#include "kappa/schema_registry.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace kappa::ctl {
namespace {

// Read-only commands must not create an empty catalog as a side effect.
Result<std::unique_ptr<Catalog>> openCatalog(const DataDir &dataDir, bool create)
{
    if (!create && !FileSystem::posix().exists(dataDir.catalogPath()))
        return Status::notFound("no catalog at " + dataDir.catalogPath()
                                + " (run `kappactl gen` or `kappactl schema register` first)");
    if (create)
        KAPPA_RETURN_IF_ERROR(FileSystem::posix().createDirs(dataDir.root));
    return Catalog::open(dataDir.catalogPath());
}

Result<std::string> readSchemaFile(const std::string &path)
{
    auto text = readWholeFile(FileSystem::posix(), path);
    if (!text.isOk())
        return text.status().withContext("reading schema file");
    return text;
}

int runList(const DataDir &dataDir, bool json)
{
    auto catalog = openCatalog(dataDir, false);
    if (!catalog.isOk())
        return fail(catalog.status());
    SchemaRegistry &registry = (*catalog)->schemas();
    nlohmann::json subjects = nlohmann::json::array();
    for (const std::string &subject : registry.subjects()) {
        auto latest = registry.latestVersion(subject);
        auto versions = registry.versions(subject);
        if (!latest.isOk() || !versions.isOk())
            return fail(latest.isOk() ? versions.status() : latest.status());
        subjects.push_back({{"subject", subject},
                            {"versions", *versions},
                            {"latest_version", latest->version},
                            {"latest_id", latest->id.value()},
                            {"compatibility", compatibilityModeName(registry.compatibility(subject))}});
    }
    if (json) {
        std::cout << nlohmann::json{{"subjects", subjects}}.dump(2) << "\n";
        return 0;
    }
    if (subjects.empty())
        std::cout << "no subjects registered\n";
    for (const auto &s : subjects)
        std::cout << s["subject"].get<std::string>() << "  versions " << s["versions"].dump()
                  << "  latest id " << s["latest_id"].get<int>() << "  compatibility "
                  << s["compatibility"].get<std::string>() << "\n";
    return 0;
}

struct ShowOptions
{
    std::string subject;
    std::string version = "latest";
    std::optional<std::int32_t> id;
};

int runShow(const DataDir &dataDir, const ShowOptions &options)
{
    auto catalog = openCatalog(dataDir, false);
    if (!catalog.isOk())
        return fail(catalog.status());
    SchemaRegistry &registry = (*catalog)->schemas();
    if (options.id) {
        auto schema = registry.schemaById(SchemaId(*options.id));
        if (!schema.isOk())
            return fail(schema.status());
        std::cout << schema->schemaJson << "\n";
        return 0;
    }
    if (options.subject.empty())
        return fail(Status::invalidArgument("give a SUBJECT or --id"));
    Result<SubjectVersion> found = Status::internal("unset");
    if (options.version == "latest") {
        found = registry.latestVersion(options.subject);
    } else {
        int version = 0;
        try {
            version = std::stoi(options.version);
        } catch (const std::exception &) {
            return fail(Status::invalidArgument("--version must be a number or 'latest', not '"
                                                + options.version + "'"));
        }
        found = registry.subjectVersion(options.subject, version);
    }
    if (!found.isOk())
        return fail(found.status());
    std::cerr << "subject " << found->subject << " version " << found->version << " id " << found->id.value()
              << "\n";
    std::cout << found->schemaJson << "\n";
    return 0;
}

int runRegister(const DataDir &dataDir, const std::string &subject, const std::string &file)
{
    auto text = readSchemaFile(file);
    if (!text.isOk())
        return fail(text.status());
    auto catalog = openCatalog(dataDir, true);
    if (!catalog.isOk())
        return fail(catalog.status());
    auto outcome = (*catalog)->schemas().registerSchema(subject, *text);
    if (!outcome.isOk())
        return fail(outcome.status());
    std::cout << (outcome->created ? "registered " : "already registered ") << subject << " version "
              << outcome->version << " (schema id " << outcome->id.value() << ")\n";
    return 0;
}

int runCheck(const DataDir &dataDir, const std::string &subject, const std::string &file)
{
    auto text = readSchemaFile(file);
    if (!text.isOk())
        return fail(text.status());
    auto catalog = openCatalog(dataDir, false);
    if (!catalog.isOk())
        return fail(catalog.status());
    auto report = (*catalog)->schemas().checkCompatibility(subject, *text);
    if (!report.isOk())
        return fail(report.status());
    const std::string mode(compatibilityModeName(report->mode));
    if (report->compatible) {
        std::cout << "compatible with " << subject << " under " << mode << "\n";
        return 0;
    }
    std::cerr << "kappactl: incompatible with " << subject << " under " << mode << ":\n";
    for (const std::string &reason : report->reasons)
        std::cerr << "  - " << reason << "\n";
    return static_cast<int>(ExitCode::Conflict);
}

int runCompat(const DataDir &dataDir, const std::string &subject, const std::string &modeName)
{
    auto catalog = openCatalog(dataDir, !modeName.empty());
    if (!catalog.isOk())
        return fail(catalog.status());
    SchemaRegistry &registry = (*catalog)->schemas();
    if (!modeName.empty()) {
        auto mode = parseCompatibilityMode(modeName);
        if (!mode)
            return fail(Status::invalidArgument("unknown compatibility mode '" + modeName
                                                + "' (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, "
                                                  "FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE)"));
        const Status set = registry.setCompatibility(subject, *mode);
        if (!set.isOk())
            return fail(set);
    }
    std::cout << subject << " " << compatibilityModeName(registry.compatibility(subject)) << "\n";
    return 0;
}

} // namespace

void addSchemaCommands(CLI::App &app, const DataDir &dataDir, Action &action)
{
    CLI::App *schema = app.add_subcommand("schema", "Manage Avro schemas in the registry");
    schema->require_subcommand(1);

    CLI::App *list = schema->add_subcommand("list", "Subjects with their versions and compatibility");
    auto json = std::make_shared<bool>(false);
    list->add_flag("--json", *json, "Print JSON");
    list->callback(
        [&dataDir, &action, json] { action = [&dataDir, json] { return runList(dataDir, *json); }; });

    CLI::App *show = schema->add_subcommand("show", "Print a schema by subject and version, or by id");
    auto showOptions = std::make_shared<ShowOptions>();
    show->add_option("subject", showOptions->subject, "Subject, e.g. events-value");
    show->add_option("--version", showOptions->version, "Version number or 'latest'")->capture_default_str();
    show->add_option("--id", showOptions->id, "Global schema id (instead of a subject)");
    show->callback([&dataDir, &action, showOptions] {
        action = [&dataDir, showOptions] { return runShow(dataDir, *showOptions); };
    });

    auto subject = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    CLI::App *reg = schema->add_subcommand("register",
                                           "Register a schema file as the subject's next version");
    reg->add_option("subject", *subject, "Subject")->required();
    reg->add_option("file", *file, "Avro schema (.avsc)")->required();
    reg->callback([&dataDir, &action, subject, file] {
        action = [&dataDir, subject, file] { return runRegister(dataDir, *subject, *file); };
    });

    CLI::App *check = schema->add_subcommand("check",
                                             "Check a schema file against the subject without registering");
    check->add_option("subject", *subject, "Subject")->required();
    check->add_option("file", *file, "Avro schema (.avsc)")->required();
    check->callback([&dataDir, &action, subject, file] {
        action = [&dataDir, subject, file] { return runCheck(dataDir, *subject, *file); };
    });

    auto mode = std::make_shared<std::string>();
    CLI::App *compat = schema->add_subcommand("compat", "Show or set a subject's compatibility mode");
    compat->add_option("subject", *subject, "Subject")->required();
    compat->add_option("mode", *mode, "New mode, e.g. FULL_TRANSITIVE (omit to show)");
    compat->callback([&dataDir, &action, subject, mode] {
        action = [&dataDir, subject, mode] { return runCompat(dataDir, *subject, *mode); };
    });
}

} // namespace kappa::ctl
