System.setProperty("AUTH0_CLIENT_SECRET", "k9QJ4oHIkZ0YnRE-ad4uzxNwgm5ewezDhSbxUdWr7XCL8xUoMoOXlnKQF8BjIMeE");
