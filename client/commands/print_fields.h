// Prints a message for people as labelled lines, one per field that is
// present, as `hubctl referral show` does with a projected case file.
#ifndef HUB_CLIENT_COMMANDS_PRINT_FIELDS_H_
#define HUB_CLIENT_COMMANDS_PRINT_FIELDS_H_

#include <google/protobuf/message.h>

#include <ostream>

namespace hub::client {

// Walks `message` by reflection and prints only the fields it holds, so a
// field the hub projected away is simply absent (as, in proto3, is a scalar
// holding its default: false, 0, ""). A nested message is a heading with its
// fields indented beneath; repeated items are indexed ("addresses[0]");
// enum values print by name, google.protobuf.Timestamp as RFC 3339 UTC, and
// multi-line text with its continuation lines aligned. Returns false, having
// printed nothing, if the message holds no fields at all.
bool PrintFields(const google::protobuf::Message& message, std::ostream& out);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_PRINT_FIELDS_H_
