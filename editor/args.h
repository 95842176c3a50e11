// editor/args.h — the one argument parser every `frontline` subcommand shares, on CLI11.
// Owns: declaring a command's options once (CLI11 does the tokenising: `--opt value`, `--opt=value`,
// negative numbers as values, flags, positionals) and Frontline's conventions on top: one-line errors that
// name the option ("--into needs a file", "story info: unknown option '--zip' (try `frontline story
// --help`)"), values checked by the command's own handlers in declaration order (their messages name the
// option and the value), and --help left to the command's usage text.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace CLI {
class App;
}

namespace fl::app {

class ArgParser {
public:
    // `prefix`: put before usage errors ("story info: "; "" for the main command line). `helpCommand`: what
    // `frontline … --help` explains these options ("story", "" for the main one).
    ArgParser(std::string prefix, std::string helpCommand);
    ~ArgParser();
    ArgParser(const ArgParser&) = delete;
    ArgParser& operator=(const ArgParser&) = delete;

    using Handler = std::function<Status(const std::string& value)>;
    // An option with one value; `valueName` says what it is ("FILE" -> "--into needs a file"). The handler
    // checks and applies the value; given twice, the last one counts, as in most Unix tools.
    ArgParser& option(const std::string& name, const std::string& valueName, Handler handler);
    ArgParser& flag(const std::string& name, std::function<void()> set);
    // Arguments that are not options, in order; without this they are errors.
    ArgParser& positionals(std::vector<std::string>& out);

    // Parses `args` (without the program and command names). True in `helpRequested` for -h/--help.
    Status parse(const std::vector<std::string>& args);
    bool helpRequested() const { return m_help; }

private:
    struct Pending {
        std::string name, valueName;
        Handler handler;
        std::vector<std::string> values;  // as given, in order
    };
    std::string m_prefix, m_helpCommand;
    std::unique_ptr<CLI::App> m_app;
    std::vector<std::unique_ptr<Pending>> m_options;
    std::vector<std::string>* m_positionals = nullptr;
    std::vector<std::string> m_loose;  // positionals when the command takes none
    bool m_help = false;
};

}  // namespace fl::app
