// The routes kappad's source declares (the add("METHOD", "pattern", role, ...)
// calls in http_routes.cpp, http_stream.cpp and http_reprocessing_routes.cpp),
// with their path and query parameters, for comparing them with the OpenAPI
// document. Used by test_openapi.
#pragma once

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace openapi_test {

// A route as the server's source declares it.
struct ServerRoute
{
    std::string method;                       // "GET"
    std::string path;                         // the pattern with each regex group replaced by {}
    std::vector<std::string> groups;          // the groups' regexes, in order
    std::string role;                         // "none", "viewer", "operator", ...
    std::map<std::string, std::string> query; // name -> "integer" or "string"
    std::vector<std::string> integerNames;    // names given to parseInteger (the path parameters')
};

// Replaces each top-level (...) group of a route regex by {} and returns the groups.
inline std::string templateOf(const std::string &pattern, std::vector<std::string> &groups)
{
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '(') {
            out.push_back(pattern[i]);
            continue;
        }
        int depth = 0;
        std::size_t end = i;
        for (; end < pattern.size(); ++end) {
            depth += pattern[end] == '(' ? 1 : pattern[end] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        groups.push_back(pattern.substr(i + 1, end - i - 1));
        out += "{}";
        i = end;
    }
    return out;
}

// The query parameters a handler reads: through integerParam/stringParam, or
// directly (req.get_param_value("name"), an integer if it goes to parseInteger).
inline void collectParams(const std::string &text, ServerRoute &route)
{
    static const std::regex kParam("(integerParam|stringParam)\\(\\w+, \"(\\w+)\"\\)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kParam); it != std::sregex_iterator(); ++it)
        route.query[(*it)[2]] = (*it)[1] == "integerParam" ? "integer" : "string";
    static const std::regex kInteger("parseInteger\\(\"(\\w+)\"");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kInteger); it != std::sregex_iterator();
         ++it)
        route.integerNames.push_back((*it)[1]);
    static const std::regex kDirect("(?:has_param|get_param_value)\\(\"(\\w+)\"\\)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kDirect); it != std::sregex_iterator();
         ++it) {
        const std::string name = (*it)[1];
        const bool integer = std::find(route.integerNames.begin(), route.integerNames.end(), name)
                             != route.integerNames.end();
        route.query[name] = integer ? "integer" : "string";
    }
}

// A group that only chooses between literal words, like (pause|resume|cancel),
// names several paths: one route per word, with the word in the path.
inline std::vector<ServerRoute> expandAlternatives(const ServerRoute &route)
{
    static const std::regex kWords("[A-Za-z_]+(\\|[A-Za-z_]+)*");
    std::size_t at = 0;
    for (std::size_t i = 0; i < route.groups.size(); ++i, at += 2) {
        at = route.path.find("{}", at);
        if (!std::regex_match(route.groups[i], kWords))
            continue;
        std::vector<ServerRoute> out;
        std::stringstream words(route.groups[i]);
        for (std::string word; std::getline(words, word, '|');) {
            ServerRoute one = route;
            one.path.replace(at, 2, word);
            one.groups.erase(one.groups.begin() + static_cast<std::ptrdiff_t>(i));
            for (ServerRoute &expanded : expandAlternatives(one))
                out.push_back(std::move(expanded));
        }
        return out;
    }
    return {route};
}

// The routes of one source file: each add("METHOD", "pattern" or R"(pattern)", role, handler)
// call, with the query parameters its handler reads (up to the next add call).
inline std::vector<ServerRoute> routesIn(const std::string &source)
{
    static const std::regex kAdd(
        "add\\(\"([A-Z]+)\",\\s*(?:R\"\\((.*?)\\)\"|\"([^\"]*)\"),\\s*(std::nullopt|Role::(\\w+))");
    // maxStaleness() reads max_staleness_ms for every view route.
    std::string maxStaleness;
    if (const std::size_t start = source.find("> maxStaleness("); start != std::string::npos)
        maxStaleness = source.substr(start, source.find("\n}\n", start) - start);
    std::vector<ServerRoute> routes;
    std::vector<std::size_t> starts;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), kAdd); it != std::sregex_iterator();
         ++it) {
        const std::smatch &m = *it;
        ServerRoute route;
        route.method = m[1];
        route.path = templateOf(m[2].matched ? m[2].str() : m[3].str(), route.groups);
        route.role = m[5].matched ? QString::fromStdString(m[5]).toLower().toStdString() : "none";
        routes.push_back(route);
        starts.push_back(static_cast<std::size_t>(m.position(0)));
    }
    std::vector<ServerRoute> expanded;
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const std::size_t end = i + 1 < starts.size() ? starts[i + 1] : source.size();
        const std::string handler = source.substr(starts[i], end - starts[i]);
        collectParams(handler, routes[i]);
        if (handler.find("maxStaleness(") != std::string::npos)
            collectParams(maxStaleness, routes[i]);
        for (ServerRoute &route : expandAlternatives(routes[i]))
            expanded.push_back(std::move(route));
    }
    return expanded;
}

// "/api/v1/jobs/{job}/versions/{version}/metrics" -> "/api/v1/jobs/{}/versions/{}/metrics" and the names.
inline std::string normalizedDocPath(const std::string &path, std::vector<std::string> &names)
{
    static const std::regex kParam(R"(\{([^}]+)\})");
    for (auto it = std::sregex_iterator(path.begin(), path.end(), kParam); it != std::sregex_iterator(); ++it)
        names.push_back((*it)[1]);
    return std::regex_replace(path, kParam, "{}");
}

} // namespace openapi_test
