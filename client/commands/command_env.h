// What every hubctl command is given: the global options and where to write.
#ifndef HUB_CLIENT_COMMANDS_COMMAND_ENV_H_
#define HUB_CLIENT_COMMANDS_COMMAND_ENV_H_

#include <ostream>
#include <string>

#include "common/clock.h"

namespace hub::client {

struct CommandEnv {
  std::string profile_dir;  // --profile DIR
  const common::Clock* clock = nullptr;
  std::ostream* out = nullptr;  // results
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_COMMAND_ENV_H_
