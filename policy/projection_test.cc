#include "policy/projection.h"

#include <google/protobuf/text_format.h>

#include <map>
#include <random>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/policy.pb.h"

namespace hub::policy {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::prevent::policy::v1::Partner;
using ::prevent::policy::v1::PolicyFile;
using ::testing::HasSubstr;

PolicyFile Sample() {
  PolicyFile file;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(R"text(
    trust_domain: "td.example"
    partners { id: "P-A" name: "A" type: SCHOOL areas: "WXC" status: ACTIVE }
    partners { id: "P-B" name: "B" type: NHS_TRUST status: SUSPENDED }
    principals { id: "U-A" partner_id: "P-A" display_name: "Someone" roles: SCHOOL_DSL }
  )text",
                                                            &file));
  return file;
}

Projection Compile(const std::vector<std::string>& paths) {
  absl::StatusOr<Projection> p =
      Projection::Compile(PolicyFile::descriptor(), paths);
  EXPECT_THAT(p, IsOk());
  return std::move(p).value();
}

TEST(ProjectionTest, NoPathsClearsEverything) {
  PolicyFile file = Sample();
  Compile({}).Apply(&file);
  EXPECT_EQ(file.ByteSizeLong(), 0u);
}

TEST(ProjectionTest, AWholeFieldIsKeptAndNothingElse) {
  PolicyFile file = Sample();
  Compile({"trust_domain"}).Apply(&file);
  EXPECT_EQ(file.trust_domain(), "td.example");
  EXPECT_EQ(file.partners_size(), 0);
  EXPECT_EQ(file.principals_size(), 0);
}

TEST(ProjectionTest, SelectingInsideARepeatedMessageAppliesToEveryElement) {
  PolicyFile file = Sample();
  Compile({"partners.id", "partners.name"}).Apply(&file);
  ASSERT_EQ(file.partners_size(), 2);
  for (const Partner& p : file.partners()) {
    EXPECT_FALSE(p.id().empty());
    EXPECT_FALSE(p.name().empty());
    EXPECT_EQ(p.type(), Partner::TYPE_UNSPECIFIED);
    EXPECT_EQ(p.status(), Partner::STATUS_UNSPECIFIED);
    EXPECT_EQ(p.areas_size(), 0);
  }
  EXPECT_TRUE(file.trust_domain().empty());
  EXPECT_EQ(file.principals_size(), 0);
}

TEST(ProjectionTest, StarMeansWhole) {
  PolicyFile all = Sample();
  Compile({"*"}).Apply(&all);
  EXPECT_EQ(all.SerializeAsString(), Sample().SerializeAsString());

  PolicyFile a = Sample(), b = Sample();
  Compile({"partners.*"}).Apply(&a);
  Compile({"partners"}).Apply(&b);
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(a.partners(1).status(), Partner::SUSPENDED);
}

TEST(ProjectionTest, AWholeFieldWinsOverANarrowerPathInEitherOrder) {
  for (auto paths : {std::vector<std::string>{"partners", "partners.id"},
                     std::vector<std::string>{"partners.id", "partners"}}) {
    PolicyFile file = Sample();
    Compile(paths).Apply(&file);
    EXPECT_EQ(file.partners(0).name(), "A");
  }
}

TEST(ProjectionTest, UnknownFieldsAreAlwaysDropped) {
  PolicyFile file = Sample();
  file.mutable_partners(0)
      ->GetReflection()
      ->MutableUnknownFields(file.mutable_partners(0))
      ->AddLengthDelimited(99, "smuggled");
  file.GetReflection()->MutableUnknownFields(&file)->AddVarint(98, 7);
  Compile({"*"}).Apply(&file);
  EXPECT_EQ(file.SerializeAsString().find("smuggled"), std::string::npos);
  EXPECT_TRUE(file.GetReflection()->GetUnknownFields(file).empty());
}

TEST(ProjectionTest, BadPathsAreNamed) {
  EXPECT_THAT(
      Projection::Compile(PolicyFile::descriptor(), {"partners.nmae"}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("prevent.policy.v1.Partner has no field 'nmae'")));
  EXPECT_THAT(Projection::Compile(PolicyFile::descriptor(), {"trust_domain.x"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot select inside scalar field")));
  EXPECT_THAT(Projection::Compile(PolicyFile::descriptor(), {"*.id"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'*' may only end")));
  // A wildcard mid-path must not silently allow the whole field.
  EXPECT_THAT(Projection::Compile(PolicyFile::descriptor(), {"partners.*.id"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'*' may only end")));
  EXPECT_THAT(Projection::Compile(PolicyFile::descriptor(), {""}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has no field ''")));
}

TEST(ProjectionTest, AllowsAnswersForWholeFieldsOnly) {
  Projection p = Compile({"partners.id", "principals"});
  EXPECT_TRUE(p.Allows("partners.id"));
  EXPECT_FALSE(p.Allows("partners"));
  EXPECT_FALSE(p.Allows("partners.name"));
  EXPECT_TRUE(p.Allows("principals"));
  EXPECT_TRUE(p.Allows("principals.roles"));
  EXPECT_FALSE(p.Allows("trust_domain"));
  EXPECT_FALSE(p.Allows("nonsense"));
  EXPECT_TRUE(Compile({"*"}).Allows("partners.name"));
}

// --- Property: the output holds exactly the input's leaves that the paths
// allow. Random messages and random path sets, fixed seed.

void Fill(Message* m, std::mt19937& rng, int depth) {
  const Reflection* r = m->GetReflection();
  const Descriptor* d = m->GetDescriptor();
  std::uniform_int_distribution<int> coin(0, 9), count(0, 3);
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (coin(rng) < 4) continue;
    const int n = f->is_repeated() ? count(rng) : 1;
    for (int k = 0; k < n; ++k) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string v = "v" + std::to_string(rng() % 1000);
          f->is_repeated() ? r->AddString(m, f, v) : r->SetString(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_BOOL:
          f->is_repeated() ? r->AddBool(m, f, true) : r->SetBool(m, f, true);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* e = f->enum_type();
          int v = e->value(1 + static_cast<int>(rng() % (e->value_count() - 1)))
                      ->number();
          f->is_repeated() ? r->AddEnumValue(m, f, v)
                           : r->SetEnumValue(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 3) {
            Fill(f->is_repeated() ? r->AddMessage(m, f)
                                  : r->MutableMessage(m, f),
                 rng, depth + 1);
          }
          break;
        default:
          break;
      }
    }
  }
}

// Leaves as "path[index]..." -> value text, with the plain path alongside.
void Leaves(const Message& m, const std::string& prefix,
            const std::string& plain,
            std::map<std::string, std::pair<std::string, std::string>>* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> set;
  r->ListFields(m, &set);
  for (const FieldDescriptor* f : set) {
    const std::string p = plain.empty() ? f->name() : plain + "." + f->name();
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const std::string key =
          prefix + "/" + f->name() + "[" + std::to_string(i) + "]";
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        Leaves(f->is_repeated() ? r->GetRepeatedMessage(m, f, i)
                                : r->GetMessage(m, f),
               key, p, out);
      } else {
        std::string text;
        google::protobuf::TextFormat::PrintFieldValueToString(
            m, f, f->is_repeated() ? i : -1, &text);
        (*out)[key] = {p, text};
      }
    }
  }
}

bool AllowedByAPrefix(const Projection& p, const std::string& plain) {
  for (size_t dot = 0;; ++dot) {
    dot = plain.find('.', dot);
    if (p.Allows(plain.substr(0, dot))) return true;
    if (dot == std::string::npos) return false;
  }
}

TEST(ProjectionTest, PropertyOutputIsExactlyTheAllowedPartOfTheInput) {
  std::vector<std::string> candidates = {"*"};
  const Descriptor* d = PolicyFile::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    candidates.push_back(f->name());
    if (f->message_type() != nullptr) {
      candidates.push_back(f->name() + ".*");
      for (int j = 0; j < f->message_type()->field_count(); ++j) {
        candidates.push_back(f->name() + "." +
                             f->message_type()->field(j)->name());
      }
    }
  }
  std::mt19937 rng(20261121);
  for (int trial = 0; trial < 500; ++trial) {
    PolicyFile input;
    Fill(&input, rng, 0);
    std::vector<std::string> paths;
    for (const std::string& c : candidates) {
      if (rng() % 8 == 0) paths.push_back(c);
    }
    Projection p = Compile(paths);
    PolicyFile output = input;
    p.Apply(&output);

    std::map<std::string, std::pair<std::string, std::string>> in, out;
    Leaves(input, "", "", &in);
    Leaves(output, "", "", &out);
    for (const auto& [key, leaf] : out) {
      ASSERT_TRUE(AllowedByAPrefix(p, leaf.first)) << "leaked " << key;
      ASSERT_EQ(in.count(key), 1u) << "invented " << key;
      ASSERT_EQ(in[key].second, leaf.second) << "changed " << key;
    }
    for (const auto& [key, leaf] : in) {
      if (AllowedByAPrefix(p, leaf.first)) {
        ASSERT_EQ(out.count(key), 1u) << "lost allowed " << key;
      }
    }
  }
}

}  // namespace
}  // namespace hub::policy
