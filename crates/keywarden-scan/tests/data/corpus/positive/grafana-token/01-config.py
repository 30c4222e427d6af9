value = "glsa_7qZQTzf9r9kstRItJz2gCnohLeuZusY4_d4e9df0e"
