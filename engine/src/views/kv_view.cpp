#include "views/kv_view.h"

#include "base/temp_dir.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

namespace kappa::views {
namespace {

Status toStatus(const rocksdb::Status &s, std::string_view what)
{
    if (s.ok())
        return Status::ok();
    std::string message(what);
    message += ": ";
    message += s.ToString();
    if (s.IsCorruption())
        return Status::corruption(std::move(message));
    if (s.IsNotFound())
        return Status::notFound(std::move(message));
    if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut())
        return Status::unavailable(std::move(message));
    if (s.IsNoSpace())
        return Status::resourceExhausted(std::move(message));
    return Status::internal(std::move(message));
}

// Keeps whichever operand carries the newest position; on a tie the later
// write wins (replaying an event writes the same row again).
class NewestPositionWins final : public rocksdb::AssociativeMergeOperator
{
public:
    bool Merge(const rocksdb::Slice &, const rocksdb::Slice *existing, const rocksdb::Slice &value,
               std::string *newValue, rocksdb::Logger *) const override
    {
        ViewPosition incoming;
        if (!readPositionHeader(std::string_view(value.data(), value.size()), incoming))
            return false; // RocksDB reports this as Corruption
        ViewPosition stored;
        if (existing && readPositionHeader(std::string_view(existing->data(), existing->size()), stored)
            && incoming < stored) {
            newValue->assign(existing->data(), existing->size());
            return true;
        }
        newValue->assign(value.data(), value.size());
        return true;
    }

    const char *Name() const override { return "kappa.NewestPositionWins"; }
};

rocksdb::Options viewOptions()
{
    rocksdb::Options options;
    options.create_if_missing = true;
    options.merge_operator = std::make_shared<NewestPositionWins>();
    // Rows are small and read by key: LZ4 keeps the view compact at little CPU cost.
    options.compression = rocksdb::kLZ4Compression;
    // Two background jobs suit the 2-core target machine; more only contend.
    options.IncreaseParallelism(2);
    // Every write is a merge operand, so a read of a key goes on through the
    // older memtables and table files for more of them until a compaction
    // has merged them into one value. Bloom filters (per table file, and per
    // memtable over whole keys) let it skip those without the key instead of
    // searching each.
    rocksdb::BlockBasedTableOptions table;
    // One block cache for every key-value view in the process (the live
    // version and a replay's): RocksDB's default is 8 MB per database, which
    // the filter and index blocks alone would crowd out of a large view.
    static const std::shared_ptr<rocksdb::Cache> blockCache = rocksdb::NewLRUCache(128ull << 20);
    table.block_cache = blockCache;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.cache_index_and_filter_blocks = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    options.memtable_prefix_bloom_size_ratio = 0.05;
    options.memtable_whole_key_filtering = true;
    return options;
}

Result<ViewRow> parseStored(std::string_view key, std::string_view stored)
{
    ViewRow row;
    if (!readPositionHeader(stored, row.position))
        return Status::corruption("view row for key '" + std::string(key)
                                  + "' is shorter than its position header");
    row.row.assign(stored.substr(kPositionHeaderSize));
    return row;
}

} // namespace

struct KeyValueView::Impl
{
    base::TempDir secondaryDir; // read-only opens: the secondary instance's own files; outlives db
    std::unique_ptr<rocksdb::DB> db;
    std::string dir;
    bool readOnly = false;

    Status checkWritable() const
    {
        if (readOnly)
            return Status::failedPrecondition("view " + dir + " is open read-only");
        return Status::ok();
    }
};

KeyValueView::KeyValueView(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}

KeyValueView::~KeyValueView() = default;

Result<std::unique_ptr<KeyValueView>> KeyValueView::open(const std::string &dir)
{
    rocksdb::DB *db = nullptr;
    const rocksdb::Status s = rocksdb::DB::Open(viewOptions(), dir, &db);
    KAPPA_RETURN_IF_ERROR(toStatus(s, "opening view " + dir));
    auto impl = std::make_unique<Impl>();
    impl->db.reset(db);
    impl->dir = dir;
    return std::unique_ptr<KeyValueView>(new KeyValueView(std::move(impl)));
}

Result<std::unique_ptr<KeyValueView>> KeyValueView::openReadOnly(const std::string &dir)
{
    // RocksDB reports a missing database as an I/O error; check for the file every database has.
    std::error_code ec;
    if (!std::filesystem::exists(dir + "/CURRENT", ec))
        return Status::notFound("view " + dir + " does not exist");
    // A secondary instance, not OpenForReadOnly: a read-only open reads the
    // MANIFEST and then the WALs it names, and a writer that flushes and
    // deletes a WAL in between makes it miss the newest rows (a view going
    // backwards for the reader). A secondary instance is built to follow a
    // changing primary; max_open_files = -1 (required) keeps every table file
    // it found open, so compaction cannot pull one away either.
    KAPPA_ASSIGN_OR_RETURN(base::TempDir secondaryDir, base::TempDir::create("kappa-view-reader-"));
    rocksdb::Options options = viewOptions();
    options.max_open_files = -1;
    rocksdb::DB *db = nullptr;
    const rocksdb::Status s = rocksdb::DB::OpenAsSecondary(options, dir, secondaryDir.path(), &db);
    KAPPA_RETURN_IF_ERROR(toStatus(s, "opening view " + dir + " read-only"));
    auto impl = std::make_unique<Impl>();
    impl->secondaryDir = std::move(secondaryDir);
    impl->db.reset(db);
    impl->dir = dir;
    impl->readOnly = true;
    return std::unique_ptr<KeyValueView>(new KeyValueView(std::move(impl)));
}

Status KeyValueView::destroy(const std::string &dir)
{
    return toStatus(rocksdb::DestroyDB(dir, viewOptions()), "dropping view " + dir);
}

Status KeyValueView::write(std::span<const ViewWrite> writes)
{
    KAPPA_RETURN_IF_ERROR(m_impl->checkWritable());
    rocksdb::WriteBatch batch;
    std::string value;
    for (const ViewWrite &w : writes) {
        value.clear();
        appendPositionHeader(value, w.position);
        value.append(w.row);
        KAPPA_RETURN_IF_ERROR(toStatus(batch.Merge(rocksdb::Slice(w.key.data(), w.key.size()), value),
                                       "batching a view write"));
    }
    rocksdb::WriteOptions options;
    options.sync = false; // derived data: recovery replays from the job's checkpoint
    return toStatus(m_impl->db->Write(options, &batch), "writing view " + m_impl->dir);
}

Status KeyValueView::sync()
{
    KAPPA_RETURN_IF_ERROR(m_impl->checkWritable());
    // Unsynced writes are in the WAL (in the OS page cache); flushing and
    // syncing it covers them all. Memtable flushes to SST files sync on their own.
    return toStatus(m_impl->db->FlushWAL(/*sync=*/true), "syncing view " + m_impl->dir);
}

Result<std::optional<ViewRow>> KeyValueView::get(std::string_view key) const
{
    std::string stored;
    const rocksdb::Status s = m_impl->db->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()),
                                              &stored);
    if (s.IsNotFound())
        return std::optional<ViewRow>();
    KAPPA_RETURN_IF_ERROR(toStatus(s, "reading view " + m_impl->dir));
    KAPPA_ASSIGN_OR_RETURN(ViewRow row, parseStored(key, stored));
    return std::optional<ViewRow>(std::move(row));
}

Status KeyValueView::forEach(const std::function<bool(std::string_view, const ViewRow &)> &visit) const
{
    std::unique_ptr<rocksdb::Iterator> it(m_impl->db->NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string_view key(it->key().data(), it->key().size());
        KAPPA_ASSIGN_OR_RETURN(ViewRow row,
                               parseStored(key, std::string_view(it->value().data(), it->value().size())));
        if (!visit(key, row))
            return Status::ok();
    }
    return toStatus(it->status(), "scanning view " + m_impl->dir);
}

std::uint64_t KeyValueView::approximateKeys() const
{
    std::uint64_t keys = 0;
    m_impl->db->GetIntProperty("rocksdb.estimate-num-keys", &keys);
    return keys;
}

std::uint64_t KeyValueView::approximateBytes() const
{
    std::uint64_t sst = 0;
    std::uint64_t memtables = 0;
    m_impl->db->GetIntProperty("rocksdb.total-sst-files-size", &sst);
    m_impl->db->GetIntProperty("rocksdb.cur-size-all-mem-tables", &memtables);
    return sst + memtables;
}

} // namespace kappa::views
