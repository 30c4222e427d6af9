System.setProperty("ZOOM_CLIENT_SECRET", "7qZrwTjLScPoyrgfL57Mqv6PkwEtCDhf");
