#include "args.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>

namespace fl::app {

ArgParser::ArgParser(std::string prefix, std::string helpCommand)
    : m_prefix(std::move(prefix)), m_helpCommand(std::move(helpCommand)), m_app(std::make_unique<CLI::App>()) {
    m_app->set_help_flag();  // the commands print their own usage text
    m_app->add_flag("-h,--help", m_help);
    // Unknown options come back from remaining() and are reported in our words.
    m_app->allow_extras();
    m_app->add_option("arguments", m_loose);
}

ArgParser::~ArgParser() = default;

ArgParser& ArgParser::option(const std::string& name, const std::string& valueName, Handler handler) {
    m_options.push_back(std::make_unique<Pending>(Pending{name, valueName, std::move(handler), {}}));
    Pending* p = m_options.back().get();
    m_app->add_option(name, p->values)
        ->type_name(valueName)
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    return *this;
}

ArgParser& ArgParser::flag(const std::string& name, std::function<void()> set) {
    m_app->add_flag_callback(name, std::move(set));
    return *this;
}

ArgParser& ArgParser::positionals(std::vector<std::string>& out) {
    m_positionals = &out;
    return *this;
}

Status ArgParser::parse(const std::vector<std::string>& args) {
    const std::string tryHelp =
        " (try `frontline " + (m_helpCommand.empty() ? std::string() : m_helpCommand + " ") + "--help`)";
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last-first
    try {
        m_app->parse(reversed);
    } catch (const CLI::ArgumentMismatch& e) {
        // "--into: 1 required FILE missing": the option was last, without its value.
        const std::string what = e.what();
        const std::string name = what.substr(0, what.find(':'));
        for (const auto& p : m_options)
            if (p->name == name) {
                std::string noun = p->valueName;
                std::transform(noun.begin(), noun.end(), noun.begin(), [](unsigned char c) { return std::tolower(c); });
                return Error{name + " needs a " + noun};
            }
        return Error{m_prefix + what};
    } catch (const CLI::ParseError& e) {
        return Error{m_prefix + e.what() + tryHelp};
    }
    if (m_help) return Ok{};
    for (const std::string& extra : m_app->remaining())
        if (extra.size() > 1 && extra[0] == '-') return Error{m_prefix + "unknown option '" + extra + "'" + tryHelp};
    if (m_positionals) {
        *m_positionals = m_loose;
    } else if (!m_loose.empty()) {
        return Error{m_prefix + "unexpected argument '" + m_loose.front() + "'" + tryHelp};
    }
    for (const auto& p : m_options)
        for (const std::string& v : p->values)
            if (Status s = p->handler(v); !s) return s;
    return Ok{};
}

}  // namespace fl::app
