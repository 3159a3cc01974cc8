# Build: docker build -t mcu .      Run: docker run --network host mcu
# (host networking keeps SIP and the RTP port range simple; otherwise publish 5060/udp, 5060/tcp
#  and the media range, and set sip.address/media.address to the host's address.)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl mcu-app -am package

FROM eclipse-temurin:17-jre
WORKDIR /opt/mcu
COPY --from=build /src/mcu-app/target/mcu-app.jar /opt/mcu/mcu-app.jar
EXPOSE 5060/udp 5060/tcp 30000-39999/udp
ENTRYPOINT ["java", "-jar", "/opt/mcu/mcu-app.jar", "--set", "sip.address=0.0.0.0", "--set", "media.address=0.0.0.0"]
