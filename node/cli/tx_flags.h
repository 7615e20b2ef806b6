// The body flags of `covalue tx <kind>`: one flag per body field (the field's name with
// '_' → '-'), read by the field's type into the body's JSON, which node/tx_bodies.h then
// checks and encodes. Also the kind names the CLI accepts and the per-kind help.
// Pure apart from reading the files a flag names; thread-compatible.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/transaction.h"
#include "node/cli/args.h"
#include "node/tx_bodies.h"

namespace covalue::cli {

struct BodyFlag {
  std::string flag;  // without "--"
  node::BodyFieldSpec field;
  enum class Form { kValue, kFile } form = Form::kValue;  // kFile: "--content-hash-file PATH"
  std::string alias_of;  // "dataset-id" for the old spelling "--id"; empty otherwise
};

// "grant.issue" or "grant-issue".
std::optional<ledger::TxKind> ParseTxKind(std::string_view text);
// The flags that set `kind`'s body fields. A field whose flag would be one of `reserved`
// (the command's own flags, e.g. --key) is spelt "--body-<field>".
std::vector<BodyFlag> BodyFlagsOf(ledger::TxKind kind, const std::set<std::string>& reserved);
// Adds the flags' names to `value_flags` (every body flag takes a value; a bool field's is
// true or false), for Args::Parse.
void AddFlagNames(const std::vector<BodyFlag>& flags, std::set<std::string>* value_flags);
// `base` (an object, e.g. from --body) with each given flag's field set from its text.
// kInvalidArgument naming the flag for text that cannot be read.
Result<node::Json> BodyJsonFromFlags(const Args& args, const std::vector<BodyFlag>& flags,
                                     node::Json base);
// "dataset_id: is required" → "dataset_id (--dataset-id): is required";
// "formula.kind: …" → "formula.kind (--formula): …".
Status NameFlagIn(const Status& status, const std::vector<BodyFlag>& flags);
// One line per flag: "  --valid-until TIME  time, required: ms since 1970, or …".
std::string BodyFlagsHelp(const std::vector<BodyFlag>& flags);
// JSON text, or "@PATH" for the JSON in a file.
Result<node::Json> JsonArgument(const std::string& text, const std::string& what);

}  // namespace covalue::cli
