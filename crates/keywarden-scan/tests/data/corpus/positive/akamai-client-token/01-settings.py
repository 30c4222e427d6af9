token = "akab-4e4sxf0aiyzila4c-119xhd6tr56wz92l"
