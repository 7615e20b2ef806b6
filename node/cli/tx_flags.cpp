#include "node/cli/tx_flags.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "common/decimal.h"
#include "crypto/hash.h"
#include "node/key_file.h"

namespace covalue::cli {
namespace {

using node::FieldType;
using node::Json;

// Old spellings kept working (scripts and docs use `tx dataset-register --id … --content-file …`).
struct Alias {
  ledger::TxKind kind;
  const char* flag;
  const char* field;
  BodyFlag::Form form;
};
constexpr Alias kAliases[] = {
    {ledger::TxKind::kDatasetRegister, "id", "dataset_id", BodyFlag::Form::kValue},
    {ledger::TxKind::kDatasetRegister, "content-file", "content_hash", BodyFlag::Form::kFile},
};

std::string Dashed(std::string name) {
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

Status FlagError(const std::string& flag, const std::string& rule) {
  return Status(Code::kInvalidArgument, "--" + flag + ": " + rule);
}

Result<Hash32> HashOfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  crypto::Sha256Hasher hasher;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    hasher.Update({reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(in.gcount())});
  }
  return hasher.Finish();
}

// A public key given as hex, or as the path of a key file (only its public half is read).
Result<Json> KeyArgument(const std::string& text) {
  if (!std::filesystem::is_regular_file(text)) return Json(text);
  COVALUE_ASSIGN_OR_RETURN(crypto::PublicKey key, node::ReadPublicKey(text));
  return Json(ToHex(key));
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

// A whole-text integer as a JSON number; anything else stays text, so that FieldsFromJson
// names the rule it breaks ("must be an unsigned integer") in one place.
template <class Int>
Json NumberOrText(const std::string& text) {
  std::optional<Int> value = ParseDecimal<Int>(text);
  return value ? Json(*value) : Json(text);
}

Result<Json> FlagValue(const BodyFlag& flag, const std::string& text) {
  if (flag.form == BodyFlag::Form::kFile) {
    auto hash = HashOfFile(text);
    if (!hash.ok()) return FlagError(flag.flag, hash.status().message());
    return Json(ToHex(*hash));
  }
  switch (flag.field.type) {
    case FieldType::kU8:
    case FieldType::kU32:
    case FieldType::kU64:
    case FieldType::kAmount:
      return NumberOrText<uint64_t>(text);
    case FieldType::kTime:
      return NumberOrText<int64_t>(text);
    case FieldType::kBool:
      if (text == "true" || text == "false") return Json(text == "true");
      return Json(text);  // refused: "must be true or false"
    case FieldType::kKey: {
      auto key = KeyArgument(text);
      if (!key.ok()) return FlagError(flag.flag, key.status().message());
      return key;
    }
    case FieldType::kIdList:
      return Json(SplitCommas(text));
    case FieldType::kKeyList: {
      Json keys = Json::array();
      for (const auto& part : SplitCommas(text)) {
        auto key = KeyArgument(part);
        if (!key.ok()) return FlagError(flag.flag, key.status().message());
        keys.push_back(*key);
      }
      return keys;
    }
    case FieldType::kList:
    case FieldType::kStruct:
      return JsonArgument(text, "--" + flag.flag);
    default:
      return Json(text);
  }
}

std::string Placeholder(const BodyFlag& flag) {
  if (flag.form == BodyFlag::Form::kFile) return "PATH";
  switch (flag.field.type) {
    case FieldType::kId:
    case FieldType::kOptId: return "ID";
    case FieldType::kText: return "TEXT";
    case FieldType::kU8:
    case FieldType::kU32:
    case FieldType::kU64: return "N";
    case FieldType::kAmount: return "AMOUNT";
    case FieldType::kTime: return "TIME";
    case FieldType::kBool: return "true|false";
    case FieldType::kHash:
    case FieldType::kSig: return "HEX";
    case FieldType::kKey: return "HEX|KEYFILE";
    case FieldType::kEnum: return "NAME";
    case FieldType::kPeriod: return "PERIOD";
    case FieldType::kIdList: return "ID,ID,...";
    case FieldType::kKeyList: return "KEY,KEY,...";
    case FieldType::kList:
    case FieldType::kStruct: return "JSON|@FILE";
  }
  return "VALUE";
}

}  // namespace

std::optional<ledger::TxKind> ParseTxKind(std::string_view text) {
  if (auto kind = ledger::TxKindFromName(text)) return kind;
  std::string dotted(text);
  if (auto dash = dotted.find('-'); dash != std::string::npos) dotted[dash] = '.';
  return ledger::TxKindFromName(dotted);
}

std::vector<BodyFlag> BodyFlagsOf(ledger::TxKind kind, const std::set<std::string>& reserved) {
  std::vector<BodyFlag> flags;
  for (const auto& field : node::BodyFields(kind)) {
    std::string flag = Dashed(field.name);
    if (reserved.count(flag) != 0) flag = "body-" + flag;
    flags.push_back(BodyFlag{flag, field, BodyFlag::Form::kValue, ""});
    if (field.type == FieldType::kHash) flags.push_back(BodyFlag{flag + "-file", field, BodyFlag::Form::kFile, ""});
  }
  for (const auto& alias : kAliases) {
    if (alias.kind != kind) continue;
    for (const auto& flag : std::vector<BodyFlag>(flags)) {
      if (flag.field.name == alias.field && flag.form == BodyFlag::Form::kValue) {
        flags.push_back(BodyFlag{alias.flag, flag.field, alias.form,
                                 alias.form == BodyFlag::Form::kFile ? flag.flag + "-file" : flag.flag});
      }
    }
  }
  return flags;
}

void AddFlagNames(const std::vector<BodyFlag>& flags, std::set<std::string>* value_flags) {
  for (const auto& flag : flags) value_flags->insert(flag.flag);
}

Result<Json> BodyJsonFromFlags(const Args& args, const std::vector<BodyFlag>& flags, Json base) {
  if (!base.is_object()) return Status(Code::kInvalidArgument, "--body must be a JSON object");
  std::map<std::string, std::string> set_by;  // field → the flag that set it
  for (const auto& flag : flags) {
    auto text = args.Get(flag.flag);
    if (!text) continue;
    auto [it, inserted] = set_by.emplace(flag.field.name, flag.flag);
    if (!inserted) {
      return Status(Code::kInvalidArgument,
                    "--" + it->second + " and --" + flag.flag + " both set " + flag.field.name);
    }
    COVALUE_ASSIGN_OR_RETURN(base[flag.field.name], FlagValue(flag, *text));
  }
  return base;
}

Status NameFlagIn(const Status& status, const std::vector<BodyFlag>& flags) {
  const std::string& message = status.message();
  size_t colon = message.find(": ");
  if (colon == std::string::npos) return status;
  std::string path = message.substr(0, colon);
  std::string field = path.substr(0, path.find_first_of(".["));
  for (const auto& flag : flags) {
    if (flag.field.name == field && flag.form == BodyFlag::Form::kValue && flag.alias_of.empty()) {
      return Status(status.code(), path + " (--" + flag.flag + ")" + message.substr(colon));
    }
  }
  return status;
}

std::string BodyFlagsHelp(const std::vector<BodyFlag>& flags) {
  std::string out;
  for (const auto& flag : flags) {
    std::string left = "  --" + flag.flag;
    if (std::string value = Placeholder(flag); !value.empty()) left += " " + value;
    if (left.size() < 34) left.resize(34, ' ');
    std::string right;
    if (!flag.alias_of.empty()) {
      right = "the same as --" + flag.alias_of;
    } else if (flag.form == BodyFlag::Form::kFile) {
      right = "SHA-256 of the file, instead of --" + flag.flag.substr(0, flag.flag.size() - 5);
    } else {
      right = std::string(node::FieldTypeName(flag.field.type));
      if (node::IsRequiredField(flag.field.type)) right += ", required";
      if (!flag.field.detail.empty()) right += ": " + flag.field.detail;
    }
    out += left + " " + right + "\n";
  }
  return out;
}

Result<Json> JsonArgument(const std::string& text, const std::string& what) {
  if (!text.empty() && text[0] == '@') return node::ReadJsonFile(text.substr(1));
  return node::ParseJson(text, what);
}

}  // namespace covalue::cli
