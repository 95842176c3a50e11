// core/result.h — errors as values for data problems.
// Owns: Error (what went wrong, and in which file) and Result<T> (a value or an Error).
// Programmer mistakes are asserts; bad input (files, arguments, devices) is a Result.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace fl {

struct Error {
    std::string message;  // one line, names the file/argument and the problem

    // "FILE: message" when a file is involved, which is how every data error should read.
    static Error inFile(const std::string& path, const std::string& what) { return {path + ": " + what}; }
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<T>(m_v);
    }
    const T& value() const& {
        assert(ok());
        return std::get<T>(m_v);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(m_v));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<Error>(m_v);
    }

private:
    std::variant<T, Error> m_v;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

}  // namespace fl
