#include "kappa/local_log.h"

#include "base/murmur2.h"
#include "log/lock_file.h"
#include "log/log_context.h"
#include "log/partition_log.h"

#include <atomic>
#include <charconv>
#include <filesystem>
#include <map>
#include <shared_mutex>

namespace kappa {

using log::PartitionLog;

namespace {

constexpr const char *kTopicMetaFile = "topic.meta";
constexpr std::string_view kTopicMetaMagic = "kappa-topic-v1\n";
constexpr std::int32_t kMaxPartitions = 1024;
// A deleted topic's directory is renamed to <topic> + this suffix before its
// files are removed. '~' is not allowed in topic names, so a tombstone can
// never be mistaken for a topic (see FORMAT.md "Deleting a topic").
constexpr std::string_view kTombstoneSuffix = "~deleted";

bool isValidTopicName(std::string_view name)
{
    if (name.empty() || name.size() > 200 || name == "." || name == "..")
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                        || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

std::string topicMeta(std::int32_t partitions)
{
    return std::string(kTopicMetaMagic) + "partitions=" + std::to_string(partitions) + "\n";
}

Result<std::int32_t> parseTopicMeta(std::string_view text, const std::string &path)
{
    constexpr std::string_view kKey = "partitions=";
    std::int32_t partitions = 0;
    if (text.substr(0, kTopicMetaMagic.size()) == kTopicMetaMagic) {
        text.remove_prefix(kTopicMetaMagic.size());
        if (text.substr(0, kKey.size()) == kKey && !text.empty() && text.back() == '\n') {
            const char *begin = text.data() + kKey.size();
            const char *end = text.data() + text.size() - 1;
            const auto [ptr, ec] = std::from_chars(begin, end, partitions);
            if (ec == std::errc() && ptr == end && partitions >= 1 && partitions <= kMaxPartitions)
                return partitions;
        }
    }
    return Status::corruption("topic metadata " + path + " is not valid");
}

Status validateOptions(const LocalLogOptions &o)
{
    if (o.segmentBytes < 4096 || o.segmentBytes > (1ull << 30))
        return Status::invalidArgument("segmentBytes must be within 4 KiB .. 1 GiB");
    if (o.maxBatchBytes < 1024 || o.maxBatchBytes > (16u << 20))
        return Status::invalidArgument("maxBatchBytes must be within 1 KiB .. 16 MiB");
    if (o.indexIntervalBytes == 0)
        return Status::invalidArgument("indexIntervalBytes must be positive");
    if (o.syncInterval.count() < 0 || o.retentionAge.count() < 0)
        return Status::invalidArgument("syncInterval and retentionAge must not be negative");
    return Status::ok();
}

bool isTombstone(std::string_view name)
{
    return name.size() > kTombstoneSuffix.size() && name.ends_with(kTombstoneSuffix);
}

// Removes a directory tree of the log (a tombstone). FileSystem has no call to
// remove a directory, so every file goes through the seam and only the emptied
// directories are removed with std::filesystem.
Status removeTree(FileSystem &fs, const std::string &dir)
{
    KAPPA_ASSIGN_OR_RETURN(auto names, fs.listDir(dir));
    for (const std::string &name : names) {
        const std::string path = dir + "/" + name;
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec))
            KAPPA_RETURN_IF_ERROR(removeTree(fs, path));
        else
            KAPPA_RETURN_IF_ERROR(fs.removeFile(path));
    }
    std::error_code ec;
    if (!std::filesystem::remove(dir, ec) && ec)
        return Status::internal("removing directory " + dir + ": " + ec.message());
    return Status::ok();
}

struct Topic
{
    std::string name;
    std::vector<std::unique_ptr<PartitionLog>> partitions;
    // Every call that uses the partitions holds this shared for its whole
    // duration (TopicUse); deleteTopic takes it exclusively, so it closes and
    // removes the partitions only once no call is inside them.
    std::shared_mutex inUse;
    // Set by deleteTopic before it waits for inUse: a call that got hold of
    // the topic just before it was unlisted sees this and reports NotFound.
    std::atomic<bool> deleted{false};
};

// A topic kept alive and undeletable for the duration of one call.
struct TopicUse
{
    std::shared_ptr<Topic> topic;
    std::shared_lock<std::shared_mutex> lock;
};

struct PartitionUse
{
    TopicUse use;
    PartitionLog *partition = nullptr; // owned by use.topic
};

} // namespace

class LocalLog::Impl
{
public:
    Impl(std::string dir, FileSystem &fs, Clock &clock, const LocalLogOptions &options)
        : m_dir(std::move(dir))
        , m_context(fs, clock, options)
    {}

    Status loadTopics();
    Result<std::shared_ptr<Topic>> openTopic(const std::string &name, std::int32_t partitions);
    Status createTopic(std::string_view name, const TopicConfig &config);
    Status deleteTopic(std::string_view name);
    Result<std::shared_ptr<Topic>> findTopic(std::string_view name) const;
    Result<TopicUse> useTopic(std::string_view name) const;
    Result<PartitionUse> usePartition(std::string_view topic, PartitionId partition) const;
    Result<std::vector<AppendPosition>> append(Topic &topic, std::span<const Record> records);
    Status checkWritable(std::span<const Record> records) const;
    std::string topicDir(std::string_view name) const { return m_dir + "/" + std::string(name); }

    std::string m_dir;
    std::unique_ptr<log::LockFile> m_lock; // released last
    log::LogContext m_context;
    mutable std::shared_mutex m_topicsMutex;
    std::map<std::string, std::shared_ptr<Topic>, std::less<>> m_topics;
    std::mutex m_createMutex; // serializes createTopic and deleteTopic
};

Status LocalLog::Impl::loadTopics()
{
    KAPPA_ASSIGN_OR_RETURN(auto names, m_context.fs.listDir(m_dir));
    for (const std::string &name : names) {
        if (isTombstone(name)) {
            // A deletion that did not finish. The tombstone holds no live data,
            // so failing to remove it must not keep the log from opening; the
            // next open tries again. readOnly writes nothing and just skips it.
            if (!m_context.options.readOnly)
                removeTree(m_context.fs, topicDir(name)).ignore();
            continue;
        }
        const std::string metaPath = topicDir(name) + "/" + kTopicMetaFile;
        // A topic directory without metadata is a creation that did not finish.
        if (!isValidTopicName(name) || !m_context.fs.exists(metaPath))
            continue;
        KAPPA_ASSIGN_OR_RETURN(std::string meta, readWholeFile(m_context.fs, metaPath));
        KAPPA_ASSIGN_OR_RETURN(std::int32_t partitions, parseTopicMeta(meta, metaPath));
        KAPPA_ASSIGN_OR_RETURN(auto topic, openTopic(name, partitions));
        m_topics.emplace(name, std::move(topic));
    }
    return Status::ok();
}

Result<std::shared_ptr<Topic>> LocalLog::Impl::openTopic(const std::string &name, std::int32_t partitions)
{
    auto topic = std::make_shared<Topic>();
    topic->name = name;
    for (std::int32_t p = 0; p < partitions; ++p) {
        const std::string dir = topicDir(name) + "/" + std::to_string(p);
        if (!m_context.options.readOnly)
            KAPPA_RETURN_IF_ERROR(m_context.fs.createDirs(dir));
        else if (!m_context.fs.exists(dir))
            return Status::corruption("partition directory " + dir + " is missing");
        KAPPA_ASSIGN_OR_RETURN(auto partition, PartitionLog::open(m_context, name, PartitionId(p), dir));
        topic->partitions.push_back(std::move(partition));
    }
    return topic;
}

Status LocalLog::Impl::createTopic(std::string_view name, const TopicConfig &config)
{
    if (!isValidTopicName(name))
        return Status::invalidArgument("invalid topic name '" + std::string(name)
                                       + "': use 1..200 characters from [A-Za-z0-9._-]");
    if (config.partitions < 1 || config.partitions > kMaxPartitions)
        return Status::invalidArgument("topic " + std::string(name) + ": partition count "
                                       + std::to_string(config.partitions) + " is not within 1..1024");
    std::lock_guard createLock(m_createMutex);
    if (auto existing = findTopic(name); existing.isOk()) {
        const auto have = static_cast<std::int32_t>((*existing)->partitions.size());
        if (have == config.partitions)
            return Status::ok();
        return Status::alreadyExists("topic " + std::string(name) + " exists with " + std::to_string(have)
                                     + " partitions, not " + std::to_string(config.partitions));
    }
    if (m_context.options.readOnly)
        return Status::failedPrecondition("the log is open readOnly");
    KAPPA_RETURN_IF_ERROR(m_context.health.status());
    // Partitions first (each creates and syncs its first segment), then the
    // metadata that makes the topic exist, then the directory entries above it.
    const std::string dir = topicDir(name);
    Status status = m_context.fs.createDirs(dir);
    Result<std::shared_ptr<Topic>> topic = status.isOk()
                                               ? openTopic(dir.substr(m_dir.size() + 1), config.partitions)
                                               : Result<std::shared_ptr<Topic>>(status);
    if (topic.isOk())
        status = m_context.fs.syncDir(dir);
    else
        status = topic.status();
    if (status.isOk())
        status = writeFileAtomically(m_context.fs, dir + "/" + kTopicMetaFile, topicMeta(config.partitions));
    if (status.isOk())
        status = m_context.fs.syncDir(m_dir);
    if (!status.isOk()) {
        // The disk may hold half a topic; a failed sync may have lost more.
        m_context.health.fail(status.withContext("creating topic " + std::string(name)));
        return m_context.health.status();
    }
    std::unique_lock lock(m_topicsMutex);
    m_topics.emplace(std::string(name), std::move(topic).value());
    return Status::ok();
}

Status LocalLog::Impl::deleteTopic(std::string_view name)
{
    if (!isValidTopicName(name))
        return Status::invalidArgument("invalid topic name '" + std::string(name)
                                       + "': use 1..200 characters from [A-Za-z0-9._-]");
    if (m_context.options.readOnly)
        return Status::failedPrecondition("the log is open readOnly");
    KAPPA_RETURN_IF_ERROR(m_context.health.status());
    std::lock_guard createLock(m_createMutex);
    KAPPA_ASSIGN_OR_RETURN(std::shared_ptr<Topic> topic, findTopic(name));
    const std::string dir = topicDir(name);
    const std::string tombstone = dir + std::string(kTombstoneSuffix);
    // A tombstone left by an earlier deletion of this name whose cleanup
    // failed: remove it before anything changes, so the rename below can succeed.
    if (m_context.fs.exists(tombstone))
        KAPPA_RETURN_IF_ERROR(removeTree(m_context.fs, tombstone).withContext("deleting topic " + dir));

    // Unlist the topic, then wait for the calls still inside it. Nothing can
    // start using it afterwards, so its partitions can be closed and removed.
    {
        std::unique_lock lock(m_topicsMutex);
        m_topics.erase(m_topics.find(name));
    }
    topic->deleted.store(true);
    {
        std::unique_lock exclusive(topic->inUse);
        for (auto &partition : topic->partitions)
            partition->close();
    }

    // The rename is the commit point: after it (and the directory sync) the
    // topic is gone for good, and open() removes whatever of it remains.
    Status status = m_context.fs.renameFile(dir, tombstone);
    if (status.isOk())
        status = m_context.fs.syncDir(m_dir);
    if (!status.isOk()) {
        // Memory and disk now disagree (or a failed sync lost track of the disk).
        m_context.health.fail(status.withContext("deleting topic " + std::string(name)));
        return m_context.health.status();
    }
    const std::string context = "topic " + std::string(name)
                                + " is deleted, but removing its files failed (the next open removes them)";
    return removeTree(m_context.fs, tombstone).withContext(context);
}

Result<std::shared_ptr<Topic>> LocalLog::Impl::findTopic(std::string_view name) const
{
    std::shared_lock lock(m_topicsMutex);
    auto it = m_topics.find(name);
    if (it == m_topics.end())
        return Status::notFound("topic " + std::string(name) + " does not exist");
    return it->second;
}

Result<TopicUse> LocalLog::Impl::useTopic(std::string_view name) const
{
    KAPPA_ASSIGN_OR_RETURN(std::shared_ptr<Topic> topic, findTopic(name));
    std::shared_lock lock(topic->inUse);
    if (topic->deleted.load())
        return Status::notFound("topic " + std::string(name) + " does not exist (deleted)");
    return TopicUse{std::move(topic), std::move(lock)};
}

Result<PartitionUse> LocalLog::Impl::usePartition(std::string_view topic, PartitionId partition) const
{
    KAPPA_ASSIGN_OR_RETURN(TopicUse use, useTopic(topic));
    const Topic &t = *use.topic;
    const auto count = static_cast<std::int32_t>(t.partitions.size());
    if (partition.value() < 0 || partition.value() >= count)
        return Status::invalidArgument("topic " + t.name + " has partitions 0.." + std::to_string(count - 1)
                                       + ", not " + std::to_string(partition.value()));
    PartitionLog *log = t.partitions[static_cast<std::size_t>(partition.value())].get();
    return PartitionUse{std::move(use), log};
}

Status LocalLog::Impl::checkWritable(std::span<const Record> records) const
{
    if (m_context.options.readOnly)
        return Status::failedPrecondition("the log is open readOnly");
    for (const Record &r : records) {
        if (r.key.size() + r.value.size() > log::kMaxRecordPayload)
            return Status::invalidArgument("record of " + std::to_string(r.key.size() + r.value.size())
                                           + " bytes exceeds the limit of "
                                           + std::to_string(log::kMaxRecordPayload));
    }
    return m_context.health.status();
}

Result<std::vector<AppendPosition>> LocalLog::Impl::append(Topic &topic, std::span<const Record> records)
{
    const auto count = static_cast<std::int32_t>(topic.partitions.size());
    // Per-thread scratch, reused across calls so steady-state appends do not allocate per record.
    thread_local std::vector<std::vector<Record>> groups;
    thread_local std::vector<std::int64_t> next;
    groups.resize(static_cast<std::size_t>(std::max<std::int32_t>(count, std::int32_t(groups.size()))));
    for (auto &group : groups)
        group.clear();
    for (const Record &r : records)
        groups[static_cast<std::size_t>(base::partitionForKey(r.key, count))].push_back(r);

    next.assign(static_cast<std::size_t>(count), 0);
    std::vector<std::int64_t> ends(static_cast<std::size_t>(count), 0);
    for (std::size_t p = 0; p < static_cast<std::size_t>(count); ++p) {
        if (groups[p].empty())
            continue;
        KAPPA_ASSIGN_OR_RETURN(next[p], topic.partitions[p]->enqueue(groups[p]));
        ends[p] = next[p] + static_cast<std::int64_t>(groups[p].size());
    }
    // All partitions were queued first, so their writes overlap with each other's waits.
    for (std::size_t p = 0; p < static_cast<std::size_t>(count); ++p) {
        if (!groups[p].empty())
            KAPPA_RETURN_IF_ERROR(topic.partitions[p]->waitDurable(ends[p]));
    }
    std::vector<AppendPosition> positions;
    positions.reserve(records.size());
    for (const Record &r : records) {
        const auto p = base::partitionForKey(r.key, count);
        positions.push_back(AppendPosition{PartitionId(p), Offset(next[static_cast<std::size_t>(p)]++)});
    }
    return positions;
}

LocalLog::LocalLog(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

LocalLog::~LocalLog() = default;

Result<std::unique_ptr<LocalLog>> LocalLog::open(const std::string &dir, const LocalLogOptions &options)
{
    KAPPA_RETURN_IF_ERROR(validateOptions(options));
    FileSystem &fs = options.fs ? *options.fs : FileSystem::posix();
    Clock &clock = options.clock ? *options.clock : Clock::system();
    auto impl = std::make_unique<Impl>(dir, fs, clock, options);
    if (options.readOnly) {
        if (!fs.exists(dir))
            return Status::notFound("log directory " + dir + " does not exist");
    } else {
        KAPPA_RETURN_IF_ERROR(fs.createDirs(dir));
        KAPPA_ASSIGN_OR_RETURN(impl->m_lock, log::LockFile::acquire(dir + "/LOCK"));
    }
    KAPPA_RETURN_IF_ERROR(impl->loadTopics().withContext("opening log " + dir));
    return std::unique_ptr<LocalLog>(new LocalLog(std::move(impl)));
}

Status LocalLog::createTopic(std::string_view topic, const TopicConfig &config)
{
    return m_impl->createTopic(topic, config);
}

Status LocalLog::deleteTopic(std::string_view topic)
{
    return m_impl->deleteTopic(topic);
}

Result<TopicConfig> LocalLog::describeTopic(std::string_view topic)
{
    KAPPA_ASSIGN_OR_RETURN(std::shared_ptr<Topic> t, m_impl->findTopic(topic));
    TopicConfig config;
    config.partitions = static_cast<std::int32_t>(t->partitions.size());
    return config;
}

std::vector<std::string> LocalLog::listTopics()
{
    std::shared_lock lock(m_impl->m_topicsMutex);
    std::vector<std::string> names;
    for (const auto &entry : m_impl->m_topics)
        names.push_back(entry.first);
    return names;
}

Result<std::vector<AppendPosition>> LocalLog::append(std::string_view topic, std::span<const Record> records)
{
    KAPPA_ASSIGN_OR_RETURN(TopicUse use, m_impl->useTopic(topic));
    KAPPA_RETURN_IF_ERROR(m_impl->checkWritable(records));
    return m_impl->append(*use.topic, records);
}

Result<Offset> LocalLog::appendToPartition(std::string_view topic, PartitionId partition,
                                           std::span<const Record> records)
{
    KAPPA_ASSIGN_OR_RETURN(PartitionUse use, m_impl->usePartition(topic, partition));
    PartitionLog *p = use.partition;
    KAPPA_RETURN_IF_ERROR(m_impl->checkWritable(records));
    KAPPA_ASSIGN_OR_RETURN(std::int64_t first, p->enqueue(records));
    if (!records.empty())
        KAPPA_RETURN_IF_ERROR(p->waitDurable(first + static_cast<std::int64_t>(records.size())));
    return Offset(first);
}

Result<Offset> LocalLog::appendToPartitionDeferred(std::string_view topic, PartitionId partition,
                                                   std::span<const Record> records)
{
    KAPPA_ASSIGN_OR_RETURN(PartitionUse use, m_impl->usePartition(topic, partition));
    KAPPA_RETURN_IF_ERROR(m_impl->checkWritable(records));
    KAPPA_ASSIGN_OR_RETURN(std::int64_t first, use.partition->enqueue(records));
    return Offset(first);
}

Status LocalLog::waitDurable(std::string_view topic, PartitionId partition, Offset end)
{
    KAPPA_ASSIGN_OR_RETURN(PartitionUse use, m_impl->usePartition(topic, partition));
    return use.partition->waitDurable(end.value());
}

Status LocalLog::read(std::string_view topic, PartitionId partition, Offset from, std::size_t maxBytes,
                      RecordBatch &batch)
{
    KAPPA_ASSIGN_OR_RETURN(PartitionUse use, m_impl->usePartition(topic, partition));
    return use.partition->read(from.value(), maxBytes, batch);
}

Result<Offset> LocalLog::offsetForTime(std::string_view topic, PartitionId partition, WallTime t)
{
    KAPPA_ASSIGN_OR_RETURN(PartitionUse use, m_impl->usePartition(topic, partition));
    return use.partition->offsetForTime(t.value());
}

Result<PartitionInfo> LocalLog::partitionInfo(std::string_view topic, PartitionId partition)
{
    KAPPA_ASSIGN_OR_RETURN(PartitionUse use, m_impl->usePartition(topic, partition));
    return use.partition->info();
}

Status LocalLog::enforceRetention()
{
    if (m_impl->m_context.options.readOnly)
        return Status::failedPrecondition("the log is open readOnly");
    KAPPA_RETURN_IF_ERROR(m_impl->m_context.health.status());
    const std::int64_t now = m_impl->m_context.clock.now().value();
    // Holding m_topicsMutex keeps deleteTopic from unlisting (and so from
    // closing) any topic while retention runs over it.
    std::shared_lock lock(m_impl->m_topicsMutex);
    for (const auto &entry : m_impl->m_topics) {
        for (const auto &partition : entry.second->partitions)
            KAPPA_RETURN_IF_ERROR(partition->enforceRetention(now));
    }
    return Status::ok();
}

Status LocalLog::health() const
{
    return m_impl->m_context.health.status();
}

LocalLogStats LocalLog::stats() const
{
    const log::LogCounters &c = m_impl->m_context.counters;
    LocalLogStats s;
    s.appendCalls = c.appendCalls.load();
    s.syncs = c.syncs.load();
    s.bytesWritten = c.bytesWritten.load();
    s.segmentsRolled = c.segmentsRolled.load();
    s.segmentsDeleted = c.segmentsDeleted.load();
    s.tailBytesTruncated = c.tailBytesTruncated.load();
    return s;
}

const std::string &LocalLog::directory() const
{
    return m_impl->m_dir;
}

} // namespace kappa
