#pragma once
// Errors of the meeting store (rooms/store): a stable code for callers to branch on, the SQLite
// result code and a message that carries SQLite's own text (sqlite3_errmsg) and the file path.
#include <string>
#include <string_view>

#include "common/Expected.hpp"

namespace vcb::store {

enum class StoreErrorCode {
    Open,           // the file or its directory cannot be created/opened
    NotADatabase,   // the file exists but is not an SQLite database (or is corrupt)
    SchemaTooNew,   // written by a newer vcbridge: its schema version is above ours
    NotFound,       // no such meeting
    AlreadyExists,  // createMeeting with an id that exists
    Invalid,        // a record refused by the schema (bad JSON detail, bad state, ...)
    Busy,           // the database stayed locked longer than the busy timeout
    QueueFull,      // MeetingStoreWriter: the bounded queue is full
    Stopped,        // MeetingStoreWriter: posted after stop()
    Io,             // disk full, I/O error, any other SQLite failure
};

struct StoreError {
    StoreErrorCode code = StoreErrorCode::Io;
    int sqliteCode = 0;  // extended result code, 0 when the error is not SQLite's
    std::string message;
};

constexpr std::string_view storeErrorCodeName(StoreErrorCode c) {
    switch (c) {
        case StoreErrorCode::Open:
            return "open";
        case StoreErrorCode::NotADatabase:
            return "not_a_database";
        case StoreErrorCode::SchemaTooNew:
            return "schema_too_new";
        case StoreErrorCode::NotFound:
            return "not_found";
        case StoreErrorCode::AlreadyExists:
            return "already_exists";
        case StoreErrorCode::Invalid:
            return "invalid";
        case StoreErrorCode::Busy:
            return "busy";
        case StoreErrorCode::QueueFull:
            return "queue_full";
        case StoreErrorCode::Stopped:
            return "stopped";
        case StoreErrorCode::Io:
            return "io";
    }
    return "io";
}

// Writes carry no value; Ok is their success.
struct Ok {};
using Status = Expected<Ok, StoreError>;

}  // namespace vcb::store
