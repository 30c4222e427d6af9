token = "sgp_237cac36d8393f5461458e06fc05e9ab46d0fcb6"
