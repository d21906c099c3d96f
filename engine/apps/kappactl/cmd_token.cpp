// kappactl token add | list | revoke: the service's bearer tokens, kept hashed
// in <data-dir>/tokens.json (or --token-file). These commands need no event
// log: a fresh machine can be given tokens before kappad first starts.
#include "commands.h"

#include "kappa/clock.h"
#include "kappa/file_system.h"
#include "service/token_store.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

namespace kappa::ctl {
namespace {

using service::Role;
using service::TokenEntry;
using service::TokenStore;

struct TokenOptions
{
    std::optional<std::string> tokenFile;
    std::string name;
    std::string role;
    bool json = false;
};

std::string tokenFilePath(const DataDir &dataDir, const TokenOptions &options)
{
    return options.tokenFile ? *options.tokenFile : dataDir.root + "/tokens.json";
}

std::string formatUtc(std::int64_t ms)
{
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

int addToken(const DataDir &dataDir, const TokenOptions &options)
{
    // Check the arguments before creating any directory for them.
    Result<Role> role = service::parseRole(options.role);
    if (!role.isOk())
        return fail(role.status());
    if (Status valid = service::validateTokenName(options.name); !valid.isOk())
        return fail(valid);
    const std::string path = tokenFilePath(dataDir, options);
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        if (Status created = FileSystem::posix().createDirs(parent.string()); !created.isOk())
            return fail(created);
    Result<std::unique_ptr<TokenStore>> store = TokenStore::open(path);
    if (!store.isOk())
        return fail(store.status());
    Result<std::string> token = (*store)->add(options.name, *role, Clock::system().now().value());
    if (!token.isOk())
        return fail(token.status());
    std::cout << *token << std::endl;
    std::cerr << "kappactl: created token '" << options.name << "' (" << service::roleName(*role) << ") in "
              << path << ". It is shown only this once and cannot be recovered: store it now.\n";
    return 0;
}

int listTokens(const DataDir &dataDir, const TokenOptions &options)
{
    Result<std::unique_ptr<TokenStore>> store = TokenStore::open(tokenFilePath(dataDir, options));
    if (!store.isOk())
        return fail(store.status());
    const std::vector<TokenEntry> entries = (*store)->list();
    if (options.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const TokenEntry &entry : entries)
            out.push_back({{"name", entry.name},
                           {"role", service::roleName(entry.role)},
                           {"created_ms", entry.createdMs},
                           {"created", formatUtc(entry.createdMs)}});
        std::cout << out.dump() << "\n";
        return 0;
    }
    std::cout << std::left << std::setw(34) << "name" << std::setw(10) << "role"
              << "created\n";
    for (const TokenEntry &entry : entries)
        std::cout << std::left << std::setw(34) << entry.name << std::setw(10)
                  << service::roleName(entry.role) << formatUtc(entry.createdMs) << "\n";
    return 0;
}

int revokeToken(const DataDir &dataDir, const TokenOptions &options)
{
    const std::string path = tokenFilePath(dataDir, options);
    Result<std::unique_ptr<TokenStore>> store = TokenStore::open(path);
    if (!store.isOk())
        return fail(store.status());
    if (Status revoked = (*store)->revoke(options.name); !revoked.isOk())
        return fail(revoked);
    std::cout << "revoked token '" << options.name << "' (a running kappad drops it on SIGHUP)\n";
    return 0;
}

void addTokenFileOption(CLI::App &command, TokenOptions &options)
{
    command.add_option("--token-file", options.tokenFile, "Token file (default: <data-dir>/tokens.json)");
}

} // namespace

void addTokenCommands(CLI::App &app, const DataDir &dataDir, Action &action)
{
    CLI::App *token = app.add_subcommand("token", "Create, list and revoke the service's bearer tokens");
    token->require_subcommand(1);

    auto addOptions = std::make_shared<TokenOptions>();
    CLI::App *add = token->add_subcommand("add", "Create a token and print it once on stdout");
    add->add_option("name", addOptions->name, "Token name: 1 to 64 of A-Z a-z 0-9 . _ -")->required();
    add->add_option("--role", addOptions->role, "viewer, operator, approver or admin")->required();
    addTokenFileOption(*add, *addOptions);
    add->callback([&dataDir, &action, addOptions] {
        action = [&dataDir, addOptions] { return addToken(dataDir, *addOptions); };
    });

    auto listOptions = std::make_shared<TokenOptions>();
    CLI::App *list = token->add_subcommand("list", "Names, roles and creation times (never the tokens)");
    list->add_flag("--json", listOptions->json, "As JSON");
    addTokenFileOption(*list, *listOptions);
    list->callback([&dataDir, &action, listOptions] {
        action = [&dataDir, listOptions] { return listTokens(dataDir, *listOptions); };
    });

    auto revokeOptions = std::make_shared<TokenOptions>();
    CLI::App *revoke = token->add_subcommand("revoke",
                                             "Delete a token; it stops working at kappad's next reload");
    revoke->add_option("name", revokeOptions->name, "Token name")->required();
    addTokenFileOption(*revoke, *revokeOptions);
    revoke->callback([&dataDir, &action, revokeOptions] {
        action = [&dataDir, revokeOptions] { return revokeToken(dataDir, *revokeOptions); };
    });
}

} // namespace kappa::ctl
