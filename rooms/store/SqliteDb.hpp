#pragma once
// A thin RAII wrapper over one SQLite connection (libsqlite3 from Debian).
//
// Durability: the database runs in WAL mode with synchronous=FULL. A COMMIT returns only after
// its WAL frames were fsync()ed, so a committed transaction survives not only kill -9 (which
// synchronous=NORMAL would also survive: the WAL is in the page cache) but also a power cut or a
// kernel crash right after the acknowledgement. The price is one fsync per transaction, which
// MeetingStoreWriter shares among every write of a batch; meeting records are a few writes per
// second per meeting, far below what one disk does.
//
// SQL is fixed text with `?` parameters: values are bound, never formatted into SQL. Prepared
// statements are cached per connection. A connection is used by one thread at a time; readers
// on other threads open their own connection (WAL lets them read while the writer writes).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "rooms/store/StoreError.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vcb::store {

struct SqliteOptions {
    int busyTimeoutMs = 5000;     // how long a statement waits for another connection's lock
    bool synchronousFull = true;  // false: synchronous=NORMAL (survives kill -9, not power loss)
};

class SqliteDb;

// One step through a cached prepared statement. Binding is 1-based, columns 0-based, as in
// SQLite. The statement is reset (and its bindings cleared) when this object goes away, so a
// Statement must not outlive its SqliteDb nor be used while another Statement of the same SQL
// text is alive.
class Statement {
  public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, std::string_view text);  // bound as UTF-8 bytes, copied
    Statement& bind(int index, const std::optional<int64_t>& value);  // nullopt: NULL
    Statement& bindNull(int index);

    // Advances: true when a row is available, false when done.
    Expected<bool, StoreError> step();
    // Runs a statement that returns no rows (INSERT/UPDATE/DELETE), then resets it for the next
    // bind/run.
    Status run();
    // Makes the statement ready for new bindings (after step() returned false, or to stop
    // reading rows early).
    void reset();
    // Steps through the rows of a bound query, calling perRow(*this) on each; perRow reads the
    // columns. perRow returns void, or bool: false stops reading early. The first step error is
    // returned as it is (busy, I/O, ...). Does not reset: call reset() before binding again.
    template <typename F>
    Status forEachRow(F&& perRow);

    bool isNull(int column) const;
    int64_t int64(int column) const;
    std::optional<int64_t> optionalInt64(int column) const;  // NULL: nullopt
    std::string text(int column) const;                      // byte-exact (sqlite3_column_bytes)

  private:
    friend class SqliteDb;
    Statement(SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    void noteBind(int rc);

    SqliteDb* db_;
    sqlite3_stmt* stmt_;
    int bindError_ = 0;
};

template <typename F>
Status Statement::forEachRow(F&& perRow) {
    for (;;) {
        auto row = step();
        if (!row) return row.error();
        if (!row.value()) return Ok{};
        if constexpr (std::is_void_v<std::invoke_result_t<F&, Statement&>>) {
            perRow(*this);
        } else if (!perRow(*this)) {
            return Ok{};
        }
    }
}

class SqliteDb {
  public:
    // Opens (creating if needed) the database at `path` in WAL mode. Missing parent directories
    // are created with mode 0700; a new file gets mode 0600 (the -wal and -shm files inherit it),
    // an existing one readable by others is chmod-ed to 0600. A file that is not an SQLite
    // database gives StoreErrorCode::NotADatabase with SQLite's message.
    static Expected<std::unique_ptr<SqliteDb>, StoreError> open(const std::string& path,
                                                                const SqliteOptions& options = {});
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    // A cached prepared statement for fixed SQL text (one statement, `?` parameters).
    Expected<Statement, StoreError> prepare(std::string_view sql);
    // Runs fixed SQL without parameters (pragmas, DDL, BEGIN/COMMIT); may hold several
    // statements.
    Status exec(const char* sql);

    // The error for SQLite result `rc` on this connection: code mapped from rc, message
    // "<what>: <sqlite3_errmsg> (<path>)".
    StoreError error(int rc, std::string_view what) const;
    int64_t changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
    const std::string& path() const { return path_; }
    sqlite3* handle() const { return db_; }

  private:
    SqliteDb(sqlite3* db, std::string path);
    struct Cache;

    sqlite3* db_;
    std::string path_;
    std::unique_ptr<Cache> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless committed.
class Transaction {
  public:
    static Expected<Transaction, StoreError> begin(SqliteDb& db);
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Status commit();

  private:
    explicit Transaction(SqliteDb* db) : db_(db) {}
    SqliteDb* db_;
};

// The SQLite library's version, e.g. "3.40.1".
const char* sqliteVersion();

// StoreErrorCode for a SQLite result code.
StoreErrorCode storeErrorCodeFor(int sqliteResult);

}  // namespace vcb::store
