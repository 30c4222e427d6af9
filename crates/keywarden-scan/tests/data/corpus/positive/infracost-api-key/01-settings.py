token = "ico-7qZ9TBkMRGNw3XzyMyoXjlGqCQ3wVLap"
