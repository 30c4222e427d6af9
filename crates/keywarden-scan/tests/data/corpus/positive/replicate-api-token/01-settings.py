token = "r8_7qZEew4t08IjiAfgbCeYbYq8l3oGcWqLcuFtP"
