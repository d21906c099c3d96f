#include "state/state_store.h"

#include "base/temp_dir.h"

#include "state/changelog.h"
#include "state/task_state.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace kappa::state {

namespace {

constexpr const char *kStateFamily = "state";
constexpr const char *kCheckpointFamily = "checkpoints";

bool supports(rocksdb::CompressionType type)
{
    const auto supported = rocksdb::GetSupportedCompressions();
    return std::find(supported.begin(), supported.end(), type) != supported.end();
}

// Every RocksDB tuning decision of the module, in one place. The write-back
// cache absorbs per-event reads and writes, so RocksDB sees only cache-miss
// point reads and one large write batch per task and checkpoint (every few
// seconds). The engine targets ~1M events/s for 3 jobs on 2 cores, so
// RocksDB must stay cheap in CPU: few background threads, fast compression.
rocksdb::Options rocksOptions()
{
    rocksdb::Options options;
    options.create_missing_column_families = true;
    // Two cores run the tasks; compactions and flushes share them, so cap at 2.
    options.IncreaseParallelism(2);
    options.max_background_jobs = 2;
    // A checkpoint is one synced WAL write; the WAL is recycled once the
    // memtables holding it are flushed. Bound it so a quiet column family
    // (checkpoints) cannot pin old WAL files forever.
    options.max_total_wal_size = 256ull << 20;
    // Smooth SST writes instead of one large writeback burst per flush.
    options.bytes_per_sync = 1ull << 20;
    options.keep_log_file_num = 5;

    // One block cache for every store in the process (3 live jobs plus
    // replays), so running more versions does not multiply memory.
    static const std::shared_ptr<rocksdb::Cache> blockCache = rocksdb::NewLRUCache(256ull << 20);
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = blockCache;
    // Cache misses are often for keys never seen (new users during a replay):
    // a Bloom filter answers those without reading a data block.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.cache_index_and_filter_blocks = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

    // 64 MiB memtables: a checkpoint of a busy task is a few MiB; fewer
    // flushes means fewer L0 files and less compaction CPU.
    options.write_buffer_size = 64ull << 20;
    options.max_write_buffer_number = 3;
    // A cache miss for a key never written (every new user or window of a
    // replay) would otherwise search the memtables' skip lists to the bottom:
    // that was a fifth of the engine's CPU. A Bloom filter per memtable over
    // whole keys answers most of those misses with a few hashes.
    options.memtable_prefix_bloom_size_ratio = 0.05;
    options.memtable_whole_key_filtering = true;
    options.level_compaction_dynamic_level_bytes = true;
    // LZ4 costs little CPU; aggregates (counters, buckets) compress well.
    if (supports(rocksdb::kLZ4Compression))
        options.compression = rocksdb::kLZ4Compression;
    else if (supports(rocksdb::kSnappyCompression))
        options.compression = rocksdb::kSnappyCompression;
    else
        options.compression = rocksdb::kNoCompression;
    // The last level holds most bytes and is rewritten rarely: spend CPU there.
    if (supports(rocksdb::kZSTD))
        options.bottommost_compression = rocksdb::kZSTD;
    return options;
}

// Fails syncs on request (StoreOptions::failSync), so tests can check that a
// failed WAL sync makes the store fail instead of being retried or ignored.
class FaultInjectingFile : public rocksdb::FSWritableFileOwnerWrapper
{
public:
    FaultInjectingFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::function<bool()> failSync)
        : rocksdb::FSWritableFileOwnerWrapper(std::move(file))
        , m_failSync(std::move(failSync))
    {}
    rocksdb::IOStatus Sync(const rocksdb::IOOptions &options, rocksdb::IODebugContext *dbg) override
    {
        return m_failSync() ? injected() : target()->Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions &options, rocksdb::IODebugContext *dbg) override
    {
        return m_failSync() ? injected() : target()->Fsync(options, dbg);
    }

private:
    static rocksdb::IOStatus injected() { return rocksdb::IOStatus::IOError("injected sync failure"); }
    std::function<bool()> m_failSync;
};

class FaultInjectingFileSystem : public rocksdb::FileSystemWrapper
{
public:
    explicit FaultInjectingFileSystem(std::function<bool()> failSync)
        : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default())
        , m_failSync(std::move(failSync))
    {}
    const char *Name() const override { return "KappaFaultInjectingFileSystem"; }
    rocksdb::IOStatus NewWritableFile(const std::string &name, const rocksdb::FileOptions &options,
                                      std::unique_ptr<rocksdb::FSWritableFile> *file,
                                      rocksdb::IODebugContext *dbg) override
    {
        rocksdb::IOStatus s = target()->NewWritableFile(name, options, file, dbg);
        if (s.ok())
            *file = std::make_unique<FaultInjectingFile>(std::move(*file), m_failSync);
        return s;
    }

private:
    std::function<bool()> m_failSync;
};

std::vector<rocksdb::ColumnFamilyDescriptor> families(const rocksdb::Options &options)
{
    const rocksdb::ColumnFamilyOptions cf(options);
    return {{rocksdb::kDefaultColumnFamilyName, cf}, {kStateFamily, cf}, {kCheckpointFamily, cf}};
}

// RocksDB creates a store in two steps: CURRENT with the default column
// family first, our families right after. A writer killed in between, or
// still between them while a reader looks, leaves a store without them. Such
// a store holds no checkpoint (commits write only to our families), so a
// reader treats it as not existing yet; the writer's next open adds them.
bool hasOurFamilies(const rocksdb::Options &options, const std::string &dir)
{
    std::vector<std::string> names;
    if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(options), dir, &names).ok())
        return true; // unreadable: let the open report why
    const auto has = [&](const char *name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    return has(kStateFamily) && has(kCheckpointFamily);
}

Status fromRocks(const rocksdb::Status &s, const std::string &context)
{
    if (s.ok())
        return Status::ok();
    const std::string message = context + ": " + s.ToString();
    if (s.IsCorruption())
        return Status::corruption(message);
    if (s.IsNotFound() || s.IsPathNotFound())
        return Status::notFound(message);
    if (s.IsNoSpace())
        return Status::resourceExhausted(message);
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos)
        return Status::unavailable(message + " (is the store open elsewhere?)");
    if (s.IsInvalidArgument())
        return Status::invalidArgument(message);
    if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain())
        return Status::unavailable(message);
    if (s.IsNotSupported())
        return Status::failedPrecondition(message);
    if (s.IsAborted() || s.IsIncomplete())
        return Status::aborted(message);
    return Status::internal(message); // I/O errors and anything unexpected
}

std::string metaKey(TaskId task)
{
    std::string key(4, '\0');
    for (int i = 0; i < 4; ++i)
        key[std::size_t(i)] = static_cast<char>((task.value() >> (24 - 8 * i)) & 0xff);
    return key;
}

// Collects the state column family's puts and deletes of a checkpoint batch
// for the changelog (the batch is built by put/erase only, so nothing else occurs).
class StateChangeCollector : public rocksdb::WriteBatch::Handler
{
public:
    explicit StateChangeCollector(std::uint32_t stateFamily)
        : m_family(stateFamily)
    {}
    rocksdb::Status PutCF(std::uint32_t family, const rocksdb::Slice &key,
                          const rocksdb::Slice &value) override
    {
        if (family == m_family)
            changes.push_back({view(key), view(value)});
        return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(std::uint32_t family, const rocksdb::Slice &key) override
    {
        if (family == m_family)
            changes.push_back({view(key), std::nullopt});
        return rocksdb::Status::OK();
    }
    std::vector<StateChange> changes; // views into the batch

private:
    static std::string_view view(const rocksdb::Slice &slice) { return {slice.data(), slice.size()}; }
    const std::uint32_t m_family;
};

} // namespace

struct CheckpointBatch::Impl
{
    rocksdb::WriteBatch batch;
    rocksdb::ColumnFamilyHandle *family; // the state column family of the store that made the batch
};

struct StateStore::Db
{
    base::TempDir secondaryDir;             // readOnly: the secondary instance's own files; outlives db
    std::unique_ptr<rocksdb::Env> faultEnv; // only with StoreOptions::failSync; outlives db
    std::unique_ptr<rocksdb::DB> db;
    rocksdb::ColumnFamilyHandle *state = nullptr;
    rocksdb::ColumnFamilyHandle *checkpoints = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle *> handles;

    ~Db()
    {
        if (!db)
            return;
        for (rocksdb::ColumnFamilyHandle *handle : handles)
            db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
        // Everything durable was synced by commit(); a failing close loses nothing.
        db->Close().PermitUncheckedError();
    }
};

CheckpointBatch::CheckpointBatch(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
CheckpointBatch::~CheckpointBatch() = default;
CheckpointBatch::CheckpointBatch(CheckpointBatch &&) noexcept = default;
CheckpointBatch &CheckpointBatch::operator=(CheckpointBatch &&) noexcept = default;

void CheckpointBatch::put(std::string_view key, std::string_view value)
{
    // A WriteBatch only fails for keys or values over 4 GiB, never the case for aggregates.
    m_impl->batch
        .Put(m_impl->family, rocksdb::Slice(key.data(), key.size()),
             rocksdb::Slice(value.data(), value.size()))
        .PermitUncheckedError();
    ++m_puts;
}

void CheckpointBatch::erase(std::string_view key)
{
    m_impl->batch.Delete(m_impl->family, rocksdb::Slice(key.data(), key.size())).PermitUncheckedError();
    ++m_deletes;
}

Result<std::shared_ptr<StateStore>> StateStore::open(const std::string &dir, const StoreOptions &options)
{
    std::error_code ec;
    if ((!options.createIfMissing || options.readOnly) && !std::filesystem::exists(dir + "/CURRENT", ec))
        return Status::notFound("state store " + dir + " does not exist");
    rocksdb::Options rocks = rocksOptions();
    rocks.create_if_missing = options.createIfMissing && !options.readOnly;
    auto db = std::make_unique<Db>();
    if (options.failSync) {
        db->faultEnv = rocksdb::NewCompositeEnv(std::make_shared<FaultInjectingFileSystem>(options.failSync));
        rocks.env = db->faultEnv.get();
    }
    rocksdb::DB *raw = nullptr;
    rocksdb::Status s;
    if (options.readOnly) {
        // A secondary instance takes no LOCK and follows a changing primary: a
        // plain read-only open can miss the newest commits when the writer
        // deletes a WAL between our reading the MANIFEST and the WAL. Every
        // table file stays open (max_open_files = -1, required) so compaction
        // cannot pull one away.
        if (!hasOurFamilies(rocks, dir))
            return Status::notFound("state store " + dir
                                    + " holds no checkpoint yet (its creation has not finished)");
        KAPPA_ASSIGN_OR_RETURN(db->secondaryDir, base::TempDir::create("kappa-state-reader-"));
        rocks.max_open_files = -1;
        s = rocksdb::DB::OpenAsSecondary(rocksdb::DBOptions(rocks), dir, db->secondaryDir.path(),
                                         families(rocks), &db->handles, &raw);
    } else {
        s = rocksdb::DB::Open(rocksdb::DBOptions(rocks), dir, families(rocks), &db->handles, &raw);
    }
    if (!s.ok()) {
        const Status status = fromRocks(s, "opening state store " + dir);
        // A file the store's CURRENT refers to is missing: the store is damaged, not absent.
        if (status.code() == StatusCode::NotFound && std::filesystem::exists(dir + "/CURRENT", ec))
            return Status::corruption(status.message() + " (a file of the store is missing)");
        return status;
    }
    db->db.reset(raw);
    db->state = db->handles[1];
    db->checkpoints = db->handles[2];
    return std::shared_ptr<StateStore>(new StateStore(dir, options, std::move(db)));
}

Status StateStore::destroy(const std::string &dir)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec))
        return Status::ok();
    if (!std::filesystem::is_directory(dir, ec))
        return Status::invalidArgument("destroying state store " + dir + ": not a directory");
    const rocksdb::Options rocks = rocksOptions();
    KAPPA_RETURN_IF_ERROR(
        fromRocks(rocksdb::DestroyDB(dir, rocks, families(rocks)), "destroying state store " + dir));
    // DestroyDB removes only the files RocksDB knows; anything else is not
    // ours to delete, so a directory with foreign files is left in place.
    if (std::filesystem::exists(dir, ec) && !std::filesystem::remove(dir, ec)) {
        if (ec == std::errc::directory_not_empty)
            return Status::failedPrecondition("destroying state store " + dir
                                              + ": the directory holds files that are not the store's");
        return Status::internal("destroying state store " + dir + ": " + ec.message());
    }
    return Status::ok();
}

StateStore::StateStore(std::string dir, StoreOptions options, std::unique_ptr<Db> db)
    : m_dir(std::move(dir))
    , m_options(options)
    , m_db(std::move(db))
{}

StateStore::~StateStore() = default;

Status StateStore::checkWritable() const
{
    if (m_options.readOnly)
        return Status::failedPrecondition("state store " + m_dir + " is open readOnly");
    return health();
}

Result<std::unique_ptr<TaskState>> StateStore::openTask(TaskId task)
{
    KAPPA_RETURN_IF_ERROR(checkWritable());
    std::lock_guard lock(m_mutex);
    if (!m_openTasks.insert(task.value()).second)
        return Status::alreadyExists("task " + std::to_string(task.value()) + " of state store " + m_dir
                                     + " is already open");
    return std::unique_ptr<TaskState>(new TaskState(shared_from_this(), task));
}

void StateStore::releaseTask(TaskId task)
{
    std::lock_guard lock(m_mutex);
    m_openTasks.erase(task.value());
}

Result<std::optional<CheckpointMeta>> StateStore::lastCheckpoint(TaskId task) const
{
    KAPPA_RETURN_IF_ERROR(health());
    std::string value;
    const rocksdb::Status s = m_db->db->Get(rocksdb::ReadOptions(), m_db->checkpoints, metaKey(task), &value);
    if (s.IsNotFound())
        return std::optional<CheckpointMeta>();
    const std::string context = "reading the checkpoint of task " + std::to_string(task.value()) + " in "
                                + m_dir;
    KAPPA_RETURN_IF_ERROR(fromRocks(s, context));
    Result<CheckpointMeta> meta = decodeCheckpointMeta(value);
    if (!meta.isOk())
        return meta.status().withContext(context);
    return std::optional<CheckpointMeta>(std::move(meta).value());
}

Status StateStore::get(std::string_view key, std::string *value, bool *found) const
{
    KAPPA_RETURN_IF_ERROR(health());
    rocksdb::PinnableSlice slice;
    const rocksdb::Status s = m_db->db->Get(rocksdb::ReadOptions(), m_db->state,
                                            rocksdb::Slice(key.data(), key.size()), &slice);
    *found = s.ok();
    if (s.IsNotFound())
        return Status::ok();
    if (!s.ok()) // builds the context only on failure: this runs on every cache miss
        return fromRocks(s, "reading state from " + m_dir);
    value->assign(slice.data(), slice.size());
    return Status::ok();
}

Status StateStore::scan(std::string_view prefix,
                        const std::function<bool(std::string_view key, std::string_view value)> &visit) const
{
    KAPPA_RETURN_IF_ERROR(health());
    // The smallest key above every key with this prefix: drop trailing 0xff
    // bytes and increment the last remaining byte. None (scan to the end) if
    // the prefix is empty or all 0xff.
    std::string upper(prefix);
    while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff)
        upper.pop_back();
    if (!upper.empty())
        upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
    const rocksdb::Slice upperSlice(upper);
    rocksdb::ReadOptions options;
    if (!upper.empty())
        options.iterate_upper_bound = &upperSlice; // lets RocksDB skip files and blocks past the prefix
    // A one-off scan should not evict the hot blocks of cache-miss point reads.
    options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(m_db->db->NewIterator(options, m_db->state));
    for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
        const std::string_view key(it->key().data(), it->key().size());
        if (!visit(key, std::string_view(it->value().data(), it->value().size())))
            return Status::ok();
    }
    return fromRocks(it->status(), "scanning state in " + m_dir);
}

CheckpointBatch StateStore::newBatch() const
{
    auto impl = std::make_unique<CheckpointBatch::Impl>();
    impl->family = m_db->state;
    return CheckpointBatch(std::move(impl));
}

Status StateStore::commit(TaskId task, const CheckpointMeta &meta, CheckpointBatch &batch)
{
    KAPPA_RETURN_IF_ERROR(checkWritable());
    if (batch.m_impl->family != m_db->state)
        return Status::invalidArgument("checkpoint batch of another state store committed to " + m_dir);
    rocksdb::WriteBatch &writes = batch.m_impl->batch;
    if (m_options.changelog) {
        StateChangeCollector collector(m_db->state->GetID());
        KAPPA_RETURN_IF_ERROR(fromRocks(writes.Iterate(&collector), "reading checkpoint batch"));
        KAPPA_RETURN_IF_ERROR(m_options.changelog->publish(task, meta, collector.changes)
                                  .withContext("publishing checkpoint " + std::to_string(meta.sequence)
                                               + " of task " + std::to_string(task.value())));
    }
    std::string value;
    encodeCheckpointMeta(meta, value);
    KAPPA_RETURN_IF_ERROR(
        fromRocks(writes.Put(m_db->checkpoints, metaKey(task), value), "building checkpoint"));

    rocksdb::WriteOptions options;
    options.sync = true;        // durable when commit returns ...
    options.disableWAL = false; // ... through the WAL, which is what makes the batch atomic
    const auto start = std::chrono::steady_clock::now();
    const rocksdb::Status s = m_db->db->Write(options, &writes);
    const auto end = std::chrono::steady_clock::now();
    if (!s.ok())
        return fail(fromRocks(s, "committing checkpoint " + std::to_string(meta.sequence) + " of task "
                                     + std::to_string(task.value()) + " to " + m_dir));
    const auto micros = [](auto d) {
        return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    };
    record({task, meta.sequence, micros(end - batch.m_created), micros(end - start), writes.GetDataSize(),
            batch.puts(), batch.deletes()});
    return Status::ok();
}

Status StateStore::replaceTask(TaskId task, const CheckpointMeta &meta,
                               std::span<const std::pair<std::string, std::string>> entries)
{
    KAPPA_RETURN_IF_ERROR(checkWritable());
    {
        std::lock_guard lock(m_mutex);
        if (m_openTasks.contains(task.value()))
            return Status::failedPrecondition("task " + std::to_string(task.value()) + " of " + m_dir
                                              + " is open; its state cannot be replaced");
    }
    if (task.value() == 0xffffffffu) // its namespace has no successor prefix to end a range at
        return Status::invalidArgument("task id 4294967295 cannot have its state replaced");
    const std::string begin = metaKey(task); // the task's namespace prefix (TaskState's layout)
    rocksdb::WriteBatch writes;
    KAPPA_RETURN_IF_ERROR(fromRocks(writes.DeleteRange(m_db->state, begin, metaKey(TaskId(task.value() + 1))),
                                    "building state replacement"));
    for (const auto &[key, value] : entries) {
        if (!key.starts_with(begin))
            return Status::invalidArgument("state key outside task " + std::to_string(task.value())
                                           + " given to replace its state in " + m_dir);
        KAPPA_RETURN_IF_ERROR(fromRocks(writes.Put(m_db->state, key, value), "building state replacement"));
    }
    std::string encoded;
    encodeCheckpointMeta(meta, encoded);
    KAPPA_RETURN_IF_ERROR(
        fromRocks(writes.Put(m_db->checkpoints, metaKey(task), encoded), "building state replacement"));
    rocksdb::WriteOptions options;
    options.sync = true;
    const rocksdb::Status s = m_db->db->Write(options, &writes);
    return s.ok() ? Status::ok()
                  : fail(fromRocks(s, "replacing the state of task " + std::to_string(task.value()) + " in "
                                          + m_dir));
}

Status StateStore::flush()
{
    KAPPA_RETURN_IF_ERROR(checkWritable());
    rocksdb::FlushOptions options;
    options.wait = true;
    const rocksdb::Status s = m_db->db->Flush(options, {m_db->state, m_db->checkpoints});
    return s.ok() ? Status::ok() : fail(fromRocks(s, "flushing state store " + m_dir));
}

Status StateStore::fail(Status status)
{
    std::lock_guard lock(m_mutex);
    if (!m_failed.load()) {
        m_failure = status.withContext("state store failed");
        m_failed.store(true);
    }
    return m_failure;
}

Status StateStore::health() const
{
    if (!m_failed.load(std::memory_order_acquire))
        return Status::ok();
    std::lock_guard lock(m_mutex);
    return m_failure;
}

void StateStore::record(const CheckpointRecord &record)
{
    std::lock_guard lock(m_mutex);
    ++m_stats.count;
    m_stats.totalBytes += record.bytes;
    m_stats.totalKeys += record.keysWritten + record.keysDeleted;
    m_history.push_back(record);
    while (m_history.size() > m_options.checkpointHistory)
        m_history.pop_front();
}

CheckpointStats StateStore::checkpointStats() const
{
    std::lock_guard lock(m_mutex);
    CheckpointStats stats = m_stats;
    stats.recent.assign(m_history.begin(), m_history.end());
    return stats;
}

Result<StoreSize> StateStore::size() const
{
    KAPPA_RETURN_IF_ERROR(health());
    StoreSize size;
    const std::pair<const std::string &, std::uint64_t *> properties[] = {
        {rocksdb::DB::Properties::kEstimateLiveDataSize, &size.liveDataBytes},
        {rocksdb::DB::Properties::kTotalSstFilesSize, &size.sstFileBytes},
        {rocksdb::DB::Properties::kCurSizeAllMemTables, &size.memtableBytes},
        {rocksdb::DB::Properties::kEstimateNumKeys, &size.estimatedKeys},
    };
    for (const auto &[name, target] : properties) {
        if (!m_db->db->GetIntProperty(m_db->state, name, target))
            return Status::internal("state store " + m_dir + ": RocksDB property " + name + " unavailable");
    }
    // Checkpoint metadata carries the blobs too, which is where a task without keyed tables keeps its state.
    std::uint64_t metadataSst = 0;
    std::uint64_t metadataMemtable = 0;
    if (!m_db->db->GetIntProperty(m_db->checkpoints, rocksdb::DB::Properties::kTotalSstFilesSize, &metadataSst)
        || !m_db->db->GetIntProperty(m_db->checkpoints, rocksdb::DB::Properties::kCurSizeAllMemTables,
                                     &metadataMemtable))
        return Status::internal("state store " + m_dir
                                + ": RocksDB size properties of the checkpoints unavailable");
    size.metadataBytes = metadataSst + metadataMemtable;
    return size;
}

} // namespace kappa::state
