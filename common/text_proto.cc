#include "common/text_proto.h"

#include <google/protobuf/io/tokenizer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace hub::common {
namespace {

// Collects parser errors as "file:line:col: message"; protobuf counts lines
// and columns from 0, people from 1.
class Collector final : public google::protobuf::io::ErrorCollector {
 public:
  explicit Collector(absl::string_view filename) : filename_(filename) {}

  void AddError(int line, int column, const std::string& message) override {
    errors_.push_back(
        absl::StrCat(filename_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int, int, const std::string&) override {}

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string filename_;
  std::vector<std::string> errors_;
};

}  // namespace

absl::Status ParseTextProto(
    absl::string_view text, absl::string_view filename,
    google::protobuf::Message* out,
    google::protobuf::TextFormat::ParseInfoTree* locations) {
  Collector collector(filename);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (locations != nullptr) parser.WriteLocationsTo(locations);
  if (!parser.ParseFromString(std::string(text), out)) {
    if (collector.errors().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(filename, ": not valid protobuf text format"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "\n"));
  }
  return absl::OkStatus();
}

absl::Status ParseTextProtoFile(const std::string& path,
                                google::protobuf::Message* out) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseTextProto(text, path, out);
}

}  // namespace hub::common
