#include "rooms/store/SqliteDb.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>

namespace vcb::store {

namespace {

StoreError osError(StoreErrorCode code, const std::string& what, const std::string& path) {
    return StoreError{code, 0, what + " " + path + ": " + std::strerror(errno)};
}

// Creates the missing directories of `path`'s parent (mode 0700) and the file itself (0600).
Status prepareFile(const std::string& path) {
    if (path.empty()) return StoreError{StoreErrorCode::Open, 0, "empty database path"};
    for (size_t slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
        const std::string dir = path.substr(0, slash);
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                return StoreError{StoreErrorCode::Open, 0, dir + " is not a directory"};
            }
            continue;
        }
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
            return osError(StoreErrorCode::Open, "cannot create directory", dir);
        }
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return osError(StoreErrorCode::Open, "cannot open", path);
    struct stat st {};
    Status result = Ok{};
    if (::fstat(fd, &st) != 0) {
        result = osError(StoreErrorCode::Open, "cannot stat", path);
    } else if (!S_ISREG(st.st_mode)) {
        result = StoreError{StoreErrorCode::Open, 0, path + " is not a regular file"};
    } else if ((st.st_mode & 0077) != 0 && ::fchmod(fd, 0600) != 0) {
        result = osError(StoreErrorCode::Open, "cannot chmod 0600", path);
    }
    ::close(fd);
    return result;
}

}  // namespace

const char* sqliteVersion() { return sqlite3_libversion(); }

StoreErrorCode storeErrorCodeFor(int rc) {
    switch (rc & 0xff) {
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            return StoreErrorCode::NotADatabase;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StoreErrorCode::Busy;
        case SQLITE_CONSTRAINT:
        case SQLITE_MISMATCH:
        case SQLITE_TOOBIG:
            return StoreErrorCode::Invalid;
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_READONLY:
            return StoreErrorCode::Open;
        default:
            return StoreErrorCode::Io;
    }
}

// ---- Statement

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bindError_(other.bindError_) {
    other.stmt_ = nullptr;
}

Statement::~Statement() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

void Statement::noteBind(int rc) {
    if (rc != SQLITE_OK && bindError_ == 0) bindError_ = rc;
}

Statement& Statement::bind(int index, int64_t value) {
    noteBind(sqlite3_bind_int64(stmt_, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    noteBind(
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index) {
    noteBind(sqlite3_bind_null(stmt_, index));
    return *this;
}

Expected<bool, StoreError> Statement::step() {
    if (bindError_ != 0) return db_->error(bindError_, "bind");
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return db_->error(rc, "step");
}

Status Statement::run() {
    Status result = Ok{};
    for (;;) {
        auto row = step();
        if (!row) {
            result = row.error();
            break;
        }
        if (!row.value()) break;
    }
    reset();
    return result;
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bindError_ = 0;
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> Statement::optionalInt64(int column) const {
    if (isNull(column)) return std::nullopt;
    return int64(column);
}

std::string Statement::text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

// ---- SqliteDb

struct SqliteDb::Cache {
    std::unordered_map<std::string, sqlite3_stmt*> statements;
};

SqliteDb::SqliteDb(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), cache_(std::make_unique<Cache>()) {}

Expected<std::unique_ptr<SqliteDb>, StoreError> SqliteDb::open(const std::string& path,
                                                               const SqliteOptions& options) {
    if (auto prepared = prepareFile(path); !prepared) return prepared.error();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
        nullptr);
    if (rc != SQLITE_OK) {
        StoreError e{
            storeErrorCodeFor(rc), rc,
            "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
        sqlite3_close_v2(raw);
        return e;
    }
    std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busyTimeoutMs);
    // journal_mode is the first statement that reads the file: a non-database fails here with
    // SQLITE_NOTADB ("file is not a database"), in prepare or in step.
    auto walMode = [&]() -> Expected<std::string, StoreError> {
        auto mode = db->prepare("PRAGMA journal_mode=WAL");
        if (!mode) return mode.error();
        auto row = mode.value().step();
        if (!row) return row.error();
        return row.value() ? mode.value().text(0) : std::string();
    }();
    if (!walMode) {
        StoreError e = walMode.error();
        if (e.code == StoreErrorCode::NotADatabase) {
            e.message = path + " is not an SQLite database (" + sqlite3_errmsg(raw) + ")";
        }
        return e;
    }
    if (walMode.value() != "wal") {
        return StoreError{StoreErrorCode::Open, 0,
                          "cannot switch " + path +
                              " to WAL mode (file system without "
                              "shared memory support?)"};
    }
    const char* pragmas = options.synchronousFull
                              ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                              : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
    if (auto s = db->exec(pragmas); !s) return s.error();
    return db;
}

SqliteDb::~SqliteDb() {
    if (cache_) {
        for (auto& [sql, stmt] : cache_->statements) sqlite3_finalize(stmt);
    }
    sqlite3_close_v2(db_);
}

Expected<Statement, StoreError> SqliteDb::prepare(std::string_view sql) {
    auto it = cache_->statements.find(std::string(sql));
    if (it == cache_->statements.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) return error(rc, "prepare");
        it = cache_->statements.emplace(std::string(sql), stmt).first;
    }
    return Statement(this, it->second);
}

Status SqliteDb::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return Ok{};
    StoreError e{storeErrorCodeFor(rc), rc,
                 std::string(message ? message : sqlite3_errstr(rc)) + " (" + path_ + ")"};
    sqlite3_free(message);
    return e;
}

StoreError SqliteDb::error(int rc, std::string_view what) const {
    return StoreError{storeErrorCodeFor(rc), rc,
                      std::string(what) + ": " + sqlite3_errmsg(db_) + " (" + path_ + ")"};
}

int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

// ---- Transaction

Expected<Transaction, StoreError> Transaction::begin(SqliteDb& db) {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s.error();
    return Transaction(&db);
}

Transaction::~Transaction() {
    if (db_ != nullptr) db_->exec("ROLLBACK");
}

Status Transaction::commit() {
    SqliteDb* db = db_;
    auto s = db->exec("COMMIT");
    if (s) db_ = nullptr;  // else the destructor rolls back
    return s;
}

}  // namespace vcb::store
